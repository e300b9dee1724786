package io.orderrelay.webhook;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;

import io.opentelemetry.api.trace.Span;
import io.orderrelay.order.Ids;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionView;
import io.orderrelay.tracing.Traceparents;
import org.hibernate.Session;

/**
 * POST .../replay: queues again the partner's events since a time for one endpoint. Bounded, whoever calls it and
 * however often: {@code since} at most {@code relay.webhook.replay.max-window} ago, at most
 * {@code relay.webhook.replay.max-events} events looked at per call, one replay per endpoint at a time (across
 * replicas), and an event still queued for the endpoint is not queued twice.
 *
 * <p>Traces: a replayed delivery carries the traceparent stored with its transition (the trace of the placement
 * request or observation that caused it), so its attempts join the order's trace beside the first delivery's; the
 * replay request's span links to each replayed event's trace.
 */
@ApplicationScoped
public class WebhookReplay {

    private final WebhookEndpoints endpoints;
    private final DeliveryStore deliveries;
    private final WebhookBodies bodies;
    private final WebhookFanOut fanOut;
    private final WebhookLimits limits;
    private final EntityManager em;
    private final Clock clock;

    public WebhookReplay(WebhookEndpoints endpoints, DeliveryStore deliveries, WebhookBodies bodies,
            WebhookFanOut fanOut, WebhookLimits limits, EntityManager em, Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.bodies = bodies;
        this.fanOut = fanOut;
        this.limits = limits;
        this.em = em;
        this.clock = clock;
    }

    /** {@code until}: the time of the last event looked at; when {@code truncated}, call again with it as since. */
    public record Replayed(int enqueued, boolean truncated, Instant until) {
    }

    /**
     * An event already sent to this endpoint goes with the same bytes; one never queued for it (or whose sealed body
     * was removed when its delivery ended) is rebuilt from the order as it is now.
     */
    @Transactional
    public Replayed replay(String partnerId, UUID id, Instant since) {
        Endpoint e = endpoints.get(partnerId, id);
        Instant now = clock.instant();
        Instant oldest = now.minus(limits.replay().maxWindow());
        if (since.isBefore(oldest)) {
            throw WebhookRefusal.Invalid.field("since", "must be at most " + limits.replay().maxWindow().toDays()
                    + " days ago (" + oldest.truncatedTo(ChronoUnit.SECONDS) + ")");
        }
        if (!e.enabled()) {
            throw new WebhookRefusal.EndpointDisabled();
        }
        Boolean locked = (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, "webhook-replay:" + e.id()).getSingleResult();
        if (!locked) {
            throw new WebhookRefusal.ReplayRunning();
        }
        int max = limits.replay().maxEvents();
        List<Tuple> transitions = em.unwrap(Session.class).createNativeQuery("""
                select t.order_id, t.sequence, t.event_id, t.from_state, t.to_state, t.occurred_at, t.source,
                  t.traceparent,
                  (select d.body from webhook_deliveries d where d.endpoint_id = ?1 and d.event_id = t.event_id
                   and d.body is not null order by d.id limit 1) as sent_body,
                  exists (select 1 from webhook_deliveries q where q.endpoint_id = ?1 and q.event_id = t.event_id
                          and q.status in ('pending', 'waiting')) as queued
                from order_transitions t join orders o on o.id = t.order_id
                where o.partner_id = ?2 and t.occurred_at >= ?3
                order by t.occurred_at, t.order_id, t.sequence""", Tuple.class)
                .setParameter(1, e.id())
                .setParameter(2, partnerId)
                .setParameter(3, since)
                .addScalar("order_id", UUID.class).addScalar("sequence", Integer.class)
                .addScalar("event_id", UUID.class).addScalar("from_state", String.class)
                .addScalar("to_state", String.class).addScalar("occurred_at", Instant.class)
                .addScalar("source", String.class).addScalar("traceparent", String.class)
                .addScalar("sent_body", String.class)
                .addScalar("queued", Boolean.class)
                .setMaxResults(max + 1)
                .getResultList();
        boolean truncated = transitions.size() > max;
        List<DeliveryStore.NewDelivery> rows = new ArrayList<>();
        Span request = Span.current();
        String replayContext = Traceparents.current();
        Instant until = null;
        for (Tuple t : transitions.subList(0, Math.min(transitions.size(), max))) {
            UUID orderId = t.get("order_id", UUID.class);
            UUID eventId = t.get("event_id", UUID.class);
            TransitionView transition = TransitionView.of(t);
            until = transition.occurredAt();
            String type = OrderState.eventType(transition.toState());
            if (!e.wants(type) || t.get("queued", Boolean.class)) {
                continue; // not subscribed, or still queued: it goes out anyway, once
            }
            String sent = t.get("sent_body", String.class);
            String body = sent != null ? sent : bodies.rebuilt(e, orderId, transition, eventId);
            // the replayed attempt belongs to the trace of what caused the transition, as its first delivery did; the
            // replay request links to it (a transition stored before traces had none: the request's trace then)
            String cause = t.get("traceparent", String.class);
            if (cause != null && request.isRecording()) {
                request.addLink(Traceparents.spanContext(cause));
            }
            rows.add(new DeliveryStore.NewDelivery(Ids.newId(), e.id(), eventId, type, orderId, transition.sequence(),
                    body, e.includeSecrets(), cause != null ? cause : replayContext));
        }
        deliveries.insert(rows, now);
        if (!rows.isEmpty()) {
            fanOut.wakeAfterCommit();
        }
        return new Replayed(rows.size(), truncated, until);
    }
}
