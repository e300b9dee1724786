package io.orderrelay.order;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.orderrelay.security.SecretBox;
import io.orderrelay.tracing.Traceparents;
import io.orderrelay.upstream.UpstreamOrder;

/**
 * The one place where an order changes state. Each call runs in the caller's transaction, locks the
 * order row, and either records nothing (repeated, stale or post-terminal observation) or appends the
 * transition with the next sequence, updates the snapshot and fires {@link TransitionRecorded} so that
 * the outbox and webhook rows commit with it.
 */
@ApplicationScoped
public class TransitionWriter {

    private final EntityManager em;
    private final OrderViews views;
    private final Event<TransitionRecorded> recorded;
    private final SecretBox secrets;

    public TransitionWriter(EntityManager em, OrderViews views, Event<TransitionRecorded> recorded, SecretBox secrets) {
        this.em = em;
        this.views = views;
        this.recorded = recorded;
        this.secrets = secrets;
    }

    /** Stores a new order in {@code Submitting}: transition 1, from nothing, source {@code create}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public TransitionRecorded open(Order order) {
        Instant now = now();
        order.state = OrderState.SUBMITTING;
        order.sequence = 0;
        order.createdAt = now;
        order.updatedAt = now;
        em.persist(order);
        return append(order, null, OrderState.SUBMITTING, TransitionSource.CREATE, now, null, Traceparents.current());
    }

    /**
     * Applies an observation to the order. Answers the transition recorded, or empty when the
     * observation changes nothing (its snapshot may still refresh payment details).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<TransitionRecorded> apply(UUID orderId, Observation observation) {
        Order order = em.find(Order.class, orderId, LockModeType.PESSIMISTIC_WRITE);
        if (order == null) {
            throw new IllegalArgumentException("no order " + orderId);
        }
        if (order.isTerminal()) {
            // nothing moves after the end, but the gift card may come in a later message than Done
            keepRedemption(order, observation.snapshot());
            return Optional.empty();
        }
        if (isStale(order, observation.snapshot())) {
            return Optional.empty();
        }
        Instant now = now();
        if (observation.snapshot() != null) {
            refreshSnapshot(order, observation.snapshot());
            order.updatedAt = now;
        }
        String state = observation.state();
        if (state.equals(order.state) || alreadyPassed(order, state) || !localMoveAllowed(order.state, state)) {
            return Optional.empty();
        }
        return Optional.of(append(order, order.state, state, observation.source(), now, observation.snapshot(),
                observation.traceparent()));
    }

    private TransitionRecorded append(Order order, String from, String to, TransitionSource source, Instant at,
            UpstreamOrder snapshot, String traceparent) {
        order.sequence += 1;
        order.state = to;
        order.updatedAt = at;
        UUID eventId = Ids.newId();
        em.flush();
        em.createNativeQuery("""
                insert into order_transitions (order_id, sequence, event_id, from_state, to_state, occurred_at, source,
                                               traceparent)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)""")
                .setParameter(1, order.id)
                .setParameter(2, order.sequence)
                .setParameter(3, eventId)
                .setParameter(4, from)
                .setParameter(5, to)
                .setParameter(6, Timestamp.from(at))
                .setParameter(7, source.wire())
                .setParameter(8, traceparent)
                .executeUpdate();
        TransitionRecorded event = new TransitionRecorded(eventId, views.view(order),
                new TransitionView(order.sequence, from, to, at, source.wire()), redemption(snapshot), traceparent);
        recorded.fire(event);
        return event;
    }

    /**
     * A local state says what we know of the create: once upstream's own state is known, a late local
     * observation (the stuck-Submitting sweep racing the create's answer) must not move the order back.
     */
    private static boolean localMoveAllowed(String from, String to) {
        return switch (to) {
            case OrderState.SUBMISSION_UNCERTAIN -> OrderState.SUBMITTING.equals(from);
            case OrderState.REJECTED -> OrderState.SUBMITTING.equals(from) || OrderState.SUBMISSION_UNCERTAIN.equals(from);
            default -> true;
        };
    }

    /** Older than the snapshot we hold: a late or replayed message. */
    private static boolean isStale(Order order, UpstreamOrder snapshot) {
        if (snapshot == null || snapshot.updatedAt() == null || order.upstreamUpdatedAt == null) {
            return false;
        }
        return snapshot.updatedAt().compareTo(order.upstreamUpdatedAt) < 0;
    }

    private boolean alreadyPassed(Order order, String state) {
        if (order.sequence <= 1) {
            // transition 1 only: the one state passed is the current one (a placement's outcome costs no query)
            return false;
        }
        return !em.createNativeQuery("select 1 from order_transitions where order_id = ?1 and to_state = ?2")
                .setParameter(1, order.id)
                .setParameter(2, state)
                .setMaxResults(1)
                .getResultList().isEmpty();
    }

    private void refreshSnapshot(Order order, UpstreamOrder snapshot) {
        if (order.upstreamOrderId == null) {
            order.upstreamOrderId = snapshot.orderId();
        }
        BigDecimal updatedAt = snapshot.updatedAt();
        if (updatedAt != null) {
            order.upstreamUpdatedAt = updatedAt;
        }
        order.walletAddress = firstNonNull(snapshot.walletAddress(), order.walletAddress);
        order.network = firstNonNull(snapshot.network(), order.network);
        order.coinAmount = firstNonNull(snapshot.coinAmount(), order.coinAmount);
        order.qrText = firstNonNull(snapshot.qrText(), order.qrText);
        order.qrUrl = firstNonNull(snapshot.qrUrl(), order.qrUrl);
        order.paymentState = firstNonNull(snapshot.paymentState(), order.paymentState);
        if (order.payBefore == null && order.walletAddress != null) {
            order.payBefore = PaymentWindow.payBefore(order.createdAt, order.network);
        }
        List<OrderView.DeliveryView> ours = views.deliveries(order);
        List<UpstreamOrder.Delivery> theirs = snapshot.deliveries();
        List<OrderView.DeliveryView> merged = new ArrayList<>(ours.size());
        for (int i = 0; i < ours.size(); i++) {
            OrderView.DeliveryView d = ours.get(i);
            String state = i < theirs.size() && theirs.get(i).deliveryState() != null
                    ? theirs.get(i).deliveryState() : d.deliveryState();
            merged.add(new OrderView.DeliveryView(d.brandName(), d.countryCode(), d.denomination(), d.quantity(), state));
        }
        order.deliveries = views.deliveriesJson(merged);
        keepRedemption(order, snapshot);
    }

    private void keepRedemption(Order order, UpstreamOrder snapshot) {
        ArrayNode redemption = redemption(snapshot);
        if (redemption != null) {
            order.redemptionSealed = secrets.seal(redemption.toString());
        }
    }

    private static ArrayNode redemption(UpstreamOrder snapshot) {
        if (snapshot == null || snapshot.deliveries().stream().allMatch(d -> d.redemption() == null)) {
            return null;
        }
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        snapshot.deliveries().forEach(d -> all.add(d.redemption() == null ? JsonNodeFactory.instance.nullNode() : d.redemption()));
        return all;
    }

    private static <T> T firstNonNull(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }

    /** PostgreSQL keeps microseconds: truncate so what we answer equals what we read back. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
