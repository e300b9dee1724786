package io.orderrelay.order;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.orderrelay.security.SecretBox;
import io.orderrelay.tracing.Traceparents;
import io.orderrelay.upstream.UpstreamOrder;
import org.hibernate.Session;

/**
 * The one place where an order changes state. Each call runs in the caller's transaction, locks the
 * orders' rows, and for each observation either records nothing (repeated, stale or post-terminal observation) or
 * appends the transition with the next sequence and updates the snapshot; then fires {@link TransitionsRecorded}
 * once for the group, so that the outbox and webhook rows commit with it, and {@link TransitionRecorded} for each.
 *
 * <p>A group costs a fixed number of statements whatever its size (observation bursts are applied 50 at a time): one
 * locking read of its orders, one read of the states they already passed, and at flush one JDBC batch each of order
 * updates and transition inserts.
 */
@ApplicationScoped
public class TransitionWriter {

    /** One observation of one order. */
    public record Change(UUID orderId, Observation observation) {
    }

    /** What a change left: the transition recorded (empty when it changed nothing) and the order as it now stands. */
    public record Applied(Optional<TransitionRecorded> recorded, Order order) {
    }

    private final EntityManager em;
    private final OrderViews views;
    private final Event<TransitionRecorded> recorded;
    private final Event<TransitionsRecorded> recordedTogether;
    private final SecretBox secrets;
    private final Clock clock;

    public TransitionWriter(EntityManager em, OrderViews views, Event<TransitionRecorded> recorded,
            Event<TransitionsRecorded> recordedTogether, SecretBox secrets, Clock clock) {
        this.em = em;
        this.views = views;
        this.recorded = recorded;
        this.recordedTogether = recordedTogether;
        this.secrets = secrets;
        this.clock = clock;
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
        TransitionRecorded event = append(order, null, OrderState.SUBMITTING, TransitionSource.CREATE, now, null,
                Traceparents.current());
        fire(List.of(event));
        return event;
    }

    /**
     * Applies an observation to the order. Answers the transition recorded, or empty when the
     * observation changes nothing (its snapshot may still refresh payment details).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<TransitionRecorded> apply(UUID orderId, Observation observation) {
        return applyAll(List.of(new Change(orderId, observation))).get(0).recorded();
    }

    /**
     * Applies the changes in their order (an order may appear more than once); the results in the same order. The
     * orders' rows are locked in id order, so that two groups never wait for each other in a cycle.
     *
     * @throws IllegalArgumentException when an order does not exist (nothing of the group is to be committed then)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Applied> applyAll(List<Change> changes) {
        Map<UUID, Order> orders = lock(changes.stream().map(Change::orderId).distinct().toList());
        Set<String> passed = passedStates(changes, orders);
        List<Applied> out = new ArrayList<>(changes.size());
        List<TransitionRecorded> events = new ArrayList<>();
        for (Change change : changes) {
            Order order = orders.get(change.orderId());
            if (order == null) {
                throw new IllegalArgumentException("no order " + change.orderId());
            }
            Optional<TransitionRecorded> event = applyTo(order, change.observation(), passed);
            event.ifPresent(events::add);
            out.add(new Applied(event, order));
        }
        fire(events);
        return out;
    }

    private Optional<TransitionRecorded> applyTo(Order order, Observation observation, Set<String> passed) {
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
        if (state.equals(order.state) || alreadyPassed(order, state, passed) || !localMoveAllowed(order.state, state)) {
            return Optional.empty();
        }
        String from = order.state;
        passed.add(passedKey(order.id, from));
        passed.add(passedKey(order.id, state));
        return Optional.of(append(order, from, state, observation.source(), now, observation.snapshot(),
                observation.traceparent()));
    }

    private TransitionRecorded append(Order order, String from, String to, TransitionSource source, Instant at,
            UpstreamOrder snapshot, String traceparent) {
        order.sequence += 1;
        order.state = to;
        order.updatedAt = at;
        UUID eventId = Ids.newId();
        TransitionView transition = new TransitionView(order.sequence, from, to, at, source.wire());
        em.persist(OrderTransition.of(eventId, order.id, transition, traceparent));
        return new TransitionRecorded(eventId, views.view(order), transition, redemption(snapshot), traceparent);
    }

    private void fire(List<TransitionRecorded> events) {
        if (events.isEmpty()) {
            return;
        }
        recordedTogether.fire(new TransitionsRecorded(List.copyOf(events)));
        events.forEach(recorded::fire);
    }

    /** The orders, locked until the transaction ends, in one statement. */
    private Map<UUID, Order> lock(List<UUID> ids) {
        if (ids.size() == 1) {
            Order order = em.find(Order.class, ids.get(0), LockModeType.PESSIMISTIC_WRITE);
            return order == null ? Map.of() : Map.of(order.id, order);
        }
        // Native, with the ids as one array: the statement text is the same whatever the group's size, so it is
        // translated once. The query "o.id in :ids" with a lock was translated from HQL to SQL again at every
        // group (one SQL text per list size): half of this method's CPU in the burst's profile (README).
        // "for no key update" is the lock Hibernate takes for PESSIMISTIC_WRITE on PostgreSQL: it does not block
        // the key-share locks of rows referencing the order (lease claims, the group's own inserts).
        Map<UUID, Order> out = new HashMap<>();
        em.unwrap(Session.class)
                .createNativeQuery("select * from orders where id = any(?1) order by id for no key update", Order.class)
                .setParameter(1, ids.toArray(UUID[]::new), UUID[].class)
                .getResultList()
                .forEach(o -> out.put(o.id, o));
        return out;
    }

    /**
     * Of the states these changes observe, those their orders already passed (as {@link #passedKey}), in one query;
     * only for orders past transition 1, whose one passed state is the current one.
     */
    private Set<String> passedStates(List<Change> changes, Map<UUID, Order> orders) {
        Set<UUID> ids = new HashSet<>();
        Set<String> states = new HashSet<>();
        for (Change change : changes) {
            Order order = orders.get(change.orderId());
            String state = change.observation().state();
            if (order != null && order.sequence > 1 && !order.isTerminal() && !state.equals(order.state)) {
                ids.add(order.id);
                states.add(state);
            }
        }
        Set<String> passed = new HashSet<>();
        if (!ids.isEmpty()) {
            // native over two arrays: one SQL text whatever the group's size (an HQL "in :list" is expanded, and
            // translated again, for each size: 4 % of a placement run's samples); it flushes only pending transitions
            em.unwrap(Session.class).createNativeQuery("""
                    select order_id, to_state from order_transitions
                    where order_id = any(?1) and to_state = any(?2)""", Tuple.class)
                    .setParameter(1, ids.toArray(UUID[]::new), UUID[].class)
                    .setParameter(2, states.toArray(String[]::new), String[].class)
                    .addScalar("order_id", UUID.class).addScalar("to_state", String.class)
                    .addSynchronizedEntityClass(OrderTransition.class)
                    .getResultList()
                    .forEach(r -> passed.add(passedKey(r.get("order_id", UUID.class), r.get("to_state", String.class))));
        }
        return passed;
    }

    private static String passedKey(UUID orderId, String state) {
        return orderId + "/" + state;
    }

    private static boolean alreadyPassed(Order order, String state, Set<String> passed) {
        // transition 1 only: the one state passed is the current one (a placement's outcome costs no query)
        return order.sequence > 1 && passed.contains(passedKey(order.id, state));
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
    private Instant now() {
        return clock.instant();
    }
}
