package io.orderrelay.tracking;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orderrelay.order.Order;
import io.orderrelay.order.OrderViews;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionView;
import io.orderrelay.outbox.EventEnvelopes;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import org.hibernate.Session;

/**
 * Feeds the viewers of {@code GET /v1/orders/{id}/events} from our database only (never upstream): a viewer is
 * told to look again when a transition of its order commits on this replica ({@link TransitionRecorded} after
 * success) and by a periodic check of the orders' sequence, which catches transitions written by other replicas.
 * Each viewer reads its new transitions itself, in sequence order, so a poke never loses or repeats one.
 * Viewers hold no thread ({@link EventViewer}); a sweep drops those whose connection stopped taking writes, and
 * the API keys of open streams are checked again now and then, so a revoked key's streams end.
 */
@ApplicationScoped
public class OrderEventFeed {

    private final Map<UUID, Set<EventViewer>> viewers = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final EntityManager em;
    private final OrderViews views;
    private final EventEnvelopes envelopes;
    private final ObjectMapper json;
    private final EventStreamConfig config;
    private final StreamKeys keys;
    private final Counter dropped;
    private final Counter revoked;
    private final long[] timers;

    public OrderEventFeed(Vertx vertx, EntityManager em, OrderViews views, EventEnvelopes envelopes, ObjectMapper json,
            TrackingConfig tracking, EventStreamConfig config, StreamKeys keys, MeterRegistry registry) {
        this.vertx = vertx;
        this.em = em;
        this.views = views;
        this.envelopes = envelopes;
        this.json = json;
        this.config = config;
        this.keys = keys;
        this.dropped = Counter.builder("relay.events.streams.dropped").tag("reason", "slow")
                .description("Event streams ended by order-relay before their order's end").register(registry);
        this.revoked = Counter.builder("relay.events.streams.dropped").tag("reason", "revoked")
                .description("Event streams ended by order-relay before their order's end").register(registry);
        long sweepEvery = Math.max(100, Math.min(1000, config.writeTimeout().toMillis() / 2));
        this.timers = new long[] {
                vertx.setPeriodic(tracking.eventsHeartbeat().toMillis(), t -> each(EventViewer::heartbeat)),
                vertx.setPeriodic(tracking.eventsPollInterval().toMillis(), t -> pollDatabase()),
                vertx.setPeriodic(sweepEvery, t -> {
                    long now = System.nanoTime();
                    each(v -> v.sweep(now));
                }),
                vertx.setPeriodic(config.keyCheckInterval().toMillis(), t -> checkKeys()) };
    }

    @PreDestroy
    void close() {
        for (long timer : timers) {
            vertx.cancelTimer(timer);
        }
        each(v -> v.end(EventViewer.End.SHUTDOWN));
    }

    /**
     * Starts feeding {@code sink} with the transitions of the order after {@code afterSequence}, then live ones;
     * {@code slot} is released when the stream ends, however it ends.
     */
    public void open(UUID orderId, int afterSequence, EventStreamSlots.Slot slot, SseEventSink sink, Sse sse,
            HttpServerResponse response) {
        EventViewer viewer = new EventViewer(this, vertx, orderId, afterSequence, slot, sink, sse, response, config);
        // registered before the first read: a transition committed meanwhile is found by that read or pokes again
        viewers.computeIfAbsent(orderId, k -> ConcurrentHashMap.newKeySet()).add(viewer);
        viewer.poke();
    }

    int viewerCount() {
        return viewers.values().stream().mapToInt(Set::size).sum();
    }

    void onTransition(@Observes(during = TransactionPhase.AFTER_SUCCESS) TransitionRecorded recorded) {
        Set<EventViewer> set = viewers.get(recorded.order().id());
        if (set != null) {
            set.forEach(EventViewer::poke);
        }
    }

    /** Called once by a viewer that ended. */
    void ended(EventViewer viewer, EventViewer.End why) {
        viewers.computeIfPresent(viewer.orderId, (k, set) -> {
            set.remove(viewer);
            return set.isEmpty() ? null : set;
        });
        if (why == EventViewer.End.SLOW) {
            dropped.increment();
            Log.debugf("Event stream of order %s dropped: its client stopped reading", viewer.orderId);
        } else if (why == EventViewer.End.REVOKED) {
            revoked.increment();
        }
    }

    private void each(java.util.function.Consumer<EventViewer> action) {
        viewers.values().forEach(set -> set.forEach(action));
    }

    /** Transitions recorded by other replicas: one query for every order watched here. */
    private void pollDatabase() {
        if (viewers.isEmpty()) {
            return;
        }
        List<UUID> ids = List.copyOf(viewers.keySet());
        vertx.executeBlocking(() -> QuarkusTransaction.requiringNew().call(() -> {
            List<Tuple> rows = em.unwrap(Session.class)
                    .createNativeQuery("select id, sequence from orders where id = any(cast(?1 as uuid[]))", Tuple.class)
                    .setParameter(1, ids.stream().map(UUID::toString).toArray(String[]::new))
                    .addScalar("id", UUID.class).addScalar("sequence", Integer.class)
                    .getResultList();
            for (Tuple r : rows) {
                UUID id = r.get("id", UUID.class);
                int sequence = r.get("sequence", Integer.class);
                Set<EventViewer> set = viewers.get(id);
                if (set != null) {
                    set.stream().filter(v -> v.position() < sequence).forEach(EventViewer::poke);
                }
            }
            return null;
        }), false).onFailure(e -> Log.debugf("Event feed poll failed: %s", e.getMessage()));
    }

    /** The keys of open streams, checked again: the streams of a revoked (or deleted) key end. */
    private void checkKeys() {
        Set<String> inUse = keys.inUse();
        if (inUse.isEmpty()) {
            return;
        }
        vertx.executeBlocking(() -> keys.revokedAmong(inUse), false).onComplete(ar -> {
            if (ar.failed()) {
                Log.debugf("Event stream key check failed: %s", ar.cause().toString());
            } else if (!ar.result().isEmpty()) {
                each(v -> {
                    if (ar.result().contains(v.keyId())) {
                        v.end(EventViewer.End.REVOKED);
                    }
                });
            }
        });
    }

    String stopData(UUID orderId, int sequence) {
        ObjectNode stop = json.createObjectNode();
        stop.put("order_id", orderId.toString());
        stop.put("sequence", sequence);
        return stop.toString();
    }

    /**
     * Blocking. At most {@code limit} transitions after {@code afterSequence} with their envelope (the outbox's
     * bytes while kept, else rebuilt), and the order's state and sequence read before them.
     */
    EventViewer.Batch read(UUID orderId, int afterSequence, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Order order = Order.findById(orderId);
            List<Tuple> rows = em.unwrap(Session.class).createNativeQuery("""
                    select t.sequence, t.event_id, t.from_state, t.to_state, t.occurred_at, t.source,
                           convert_from(b.payload, 'UTF8') as payload
                    from order_transitions t left join outbox b on b.event_id = t.event_id
                    where t.order_id = ?1 and t.sequence > ?2 order by t.sequence limit ?3""", Tuple.class)
                    .setParameter(1, orderId).setParameter(2, afterSequence).setParameter(3, limit)
                    .addScalar("sequence", Integer.class).addScalar("event_id", UUID.class)
                    .addScalar("from_state", String.class).addScalar("to_state", String.class)
                    .addScalar("occurred_at", Instant.class).addScalar("source", String.class)
                    .addScalar("payload", String.class)
                    .getResultList();
            List<EventViewer.Row> out = new ArrayList<>(rows.size());
            for (Tuple r : rows) {
                TransitionView transition = TransitionView.of(r);
                String payload = r.get("payload", String.class);
                if (payload == null) {
                    // outbox row pruned (or never written): the same envelope, with the order as it is now
                    payload = json.writeValueAsString(envelopes.tree(new TransitionRecorded(
                            r.get("event_id", UUID.class), views.view(order), transition, null, null), false));
                }
                out.add(new EventViewer.Row(transition.sequence(), payload));
            }
            return new EventViewer.Batch(out, order.state, order.sequence);
        });
    }
}
