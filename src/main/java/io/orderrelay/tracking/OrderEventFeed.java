package io.orderrelay.tracking;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
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
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orderrelay.order.Order;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.OrderViews;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionView;
import io.orderrelay.outbox.EventEnvelopes;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.vertx.core.Vertx;

/**
 * Feeds the viewers of {@code GET /v1/orders/{id}/events} from our database only (never upstream): a viewer is
 * told to look again when a transition of its order commits on this replica ({@link TransitionRecorded} after
 * success) and by a periodic check of the orders' sequence, which catches transitions written by other replicas.
 * Each viewer reads its new transitions itself, in sequence order, so a poke never loses or repeats one.
 */
@ApplicationScoped
public class OrderEventFeed {

    private final Map<UUID, Set<Viewer>> viewers = new ConcurrentHashMap<>();
    private final Vertx vertx;
    private final EntityManager em;
    private final OrderViews views;
    private final EventEnvelopes envelopes;
    private final ObjectMapper json;
    private final long heartbeatTimer;
    private final long pollTimer;

    public OrderEventFeed(Vertx vertx, EntityManager em, OrderViews views, EventEnvelopes envelopes, ObjectMapper json,
            TrackingConfig config) {
        this.vertx = vertx;
        this.em = em;
        this.views = views;
        this.envelopes = envelopes;
        this.json = json;
        this.heartbeatTimer = vertx.setPeriodic(config.eventsHeartbeat().toMillis(), t -> heartbeat());
        this.pollTimer = vertx.setPeriodic(config.eventsPollInterval().toMillis(), t -> pollDatabase());
    }

    @PreDestroy
    void close() {
        vertx.cancelTimer(heartbeatTimer);
        vertx.cancelTimer(pollTimer);
        viewers.values().forEach(set -> set.forEach(Viewer::close));
    }

    /** Starts feeding {@code sink} with the transitions of the order after {@code afterSequence}, then live ones. */
    public void open(UUID orderId, int afterSequence, SseEventSink sink, Sse sse) {
        Viewer viewer = new Viewer(orderId, afterSequence, sink, sse);
        // registered before the first read: a transition committed meanwhile is found by that read or pokes again
        viewers.computeIfAbsent(orderId, k -> ConcurrentHashMap.newKeySet()).add(viewer);
        viewer.poke();
    }

    int viewerCount() {
        return viewers.values().stream().mapToInt(Set::size).sum();
    }

    void onTransition(@Observes(during = TransactionPhase.AFTER_SUCCESS) TransitionRecorded recorded) {
        Set<Viewer> set = viewers.get(recorded.order().id());
        if (set != null) {
            set.forEach(Viewer::poke);
        }
    }

    private void heartbeat() {
        viewers.values().forEach(set -> set.forEach(Viewer::heartbeat));
    }

    /** Transitions recorded by other replicas: one query for every order watched here. */
    private void pollDatabase() {
        if (viewers.isEmpty()) {
            return;
        }
        List<UUID> ids = List.copyOf(viewers.keySet());
        vertx.executeBlocking(() -> QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("select id, sequence from orders where id = any(cast(?1 as uuid[]))")
                    .setParameter(1, ids.stream().map(UUID::toString).toArray(String[]::new)).getResultList();
            for (Object[] r : rows) {
                UUID id = (UUID) r[0];
                int sequence = ((Number) r[1]).intValue();
                Set<Viewer> set = viewers.get(id);
                if (set != null) {
                    set.stream().filter(v -> v.sent < sequence).forEach(Viewer::poke);
                }
            }
            return null;
        }), false).onFailure(e -> Log.debugf("Event feed poll failed: %s", e.getMessage()));
    }

    private record Stored(TransitionView transition, UUID eventId, String payload) {
    }

    /** Transitions after {@code afterSequence} with their envelope: the outbox's bytes while kept, else rebuilt. */
    private List<String[]> read(UUID orderId, int afterSequence) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("""
                    select t.sequence, t.event_id, t.from_state, t.to_state, t.occurred_at, t.source,
                           convert_from(b.payload, 'UTF8')
                    from order_transitions t left join outbox b on b.event_id = t.event_id
                    where t.order_id = ?1 and t.sequence > ?2 order by t.sequence""")
                    .setParameter(1, orderId).setParameter(2, afterSequence).getResultList();
            List<String[]> out = new ArrayList<>(rows.size());
            Order order = null;
            for (Object[] r : rows) {
                Stored s = new Stored(new TransitionView(((Number) r[0]).intValue(), (String) r[2], (String) r[3],
                        instant(r[4]), (String) r[5]), (UUID) r[1], (String) r[6]);
                String payload = s.payload();
                if (payload == null) {
                    // outbox row pruned (or never written): the same envelope, with the order as it is now
                    if (order == null) {
                        order = Order.findById(orderId);
                    }
                    payload = json.writeValueAsString(envelopes.tree(
                            new TransitionRecorded(s.eventId(), views.view(order), s.transition(), null), false));
                }
                out.add(new String[] { String.valueOf(s.transition().sequence()), s.transition().toState(), payload });
            }
            return out;
        });
    }

    private static Instant instant(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        return (Instant) value;
    }

    /** One open /events response. */
    private final class Viewer {
        private final UUID orderId;
        private final SseEventSink sink;
        private final Sse sse;
        private volatile int sent;
        private boolean reading;
        private boolean again;
        private volatile boolean closed;

        Viewer(UUID orderId, int afterSequence, SseEventSink sink, Sse sse) {
            this.orderId = orderId;
            this.sent = afterSequence;
            this.sink = sink;
            this.sse = sse;
        }

        void poke() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                if (reading) {
                    again = true;
                    return;
                }
                reading = true;
            }
            vertx.executeBlocking(() -> {
                readAndSend();
                return null;
            }, false).onComplete(ar -> {
                if (ar.failed()) {
                    Log.debugf("Event stream of order %s: %s", orderId, ar.cause().getMessage());
                }
                boolean more;
                synchronized (this) {
                    reading = false;
                    more = again;
                    again = false;
                }
                if (more) {
                    poke();
                }
            });
        }

        private void readAndSend() throws Exception {
            if (closed || sink.isClosed()) {
                close();
                return;
            }
            boolean terminal = false;
            for (String[] t : read(orderId, sent)) {
                int sequence = Integer.parseInt(t[0]);
                OutboundSseEvent event = sse.newEventBuilder().id(t[0]).name("transition")
                        .data(String.class, t[2]).build();
                sink.send(event).toCompletableFuture().join();
                sent = sequence;
                terminal = OrderState.isTerminal(t[1]);
            }
            if (!terminal && sent > 0) {
                // a Last-Event-ID at or past the terminal transition: nothing new, but the stream is over
                terminal = QuarkusTransaction.requiringNew().call(() -> {
                    Order o = Order.findById(orderId);
                    return o != null && o.isTerminal() && o.sequence <= sent;
                });
            }
            if (terminal) {
                ObjectNode stop = json.createObjectNode();
                stop.put("order_id", orderId.toString());
                stop.put("sequence", sent);
                sink.send(sse.newEventBuilder().name("stop")
                        .data(String.class, json.writeValueAsString(stop)).build()).toCompletableFuture().join();
                close();
            }
        }

        void heartbeat() {
            if (closed || sink.isClosed()) {
                close();
                return;
            }
            sink.send(sse.newEventBuilder().comment("heartbeat").build()).whenComplete((v, e) -> {
                if (e != null) {
                    close();
                }
            });
        }

        void close() {
            closed = true;
            Set<Viewer> set = viewers.get(orderId);
            if (set != null) {
                set.remove(this);
                viewers.computeIfPresent(orderId, (k, s) -> s.isEmpty() ? null : s);
            }
            if (!sink.isClosed()) {
                sink.close();
            }
        }
    }
}
