package io.orderrelay.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.hibernate.Session;

/**
 * An endpoint's health from its attempt log: success rates over the last hour and day, the last success and the
 * last failure with its answer, the deliveries still in line, and its disabled state. An attempt succeeds on a 2xx
 * answer, as {@link AttemptRecorder} decides.
 */
@ApplicationScoped
public class EndpointHealth {

    @Schema(name = "WebhookEndpointHealth")
    public record Health(UUID endpointId, boolean enabled,
            @Schema(description = "Why the relay disabled it (e.g. 410 Gone, failing for days); absent when enabled "
                    + "or disabled by a caller") String disabledReason,
            @Schema(description = "First failed attempt since the last success; absent when the last attempt succeeded")
            Instant failingSince,
            Window lastHour, Window lastDay, Instant lastSuccessAt, Failure lastFailure,
            @Schema(description = "Deliveries not yet succeeded or given up") long pendingDeliveries) {
    }

    /** @param successRate succeeded / attempts, 0 to 1; absent when there was no attempt */
    @Schema(name = "WebhookEndpointHealthWindow")
    public record Window(long attempts, long succeeded,
            @Schema(description = "succeeded / attempts, 0 to 1; absent without attempts") Double successRate) {

        static Window of(long attempts, long succeeded) {
            return new Window(attempts, succeeded, attempts == 0 ? null : (double) succeeded / attempts);
        }
    }

    /** The newest failed attempt (no answer, or not 2xx) of the attempt log (kept as long as the log's retention). */
    @Schema(name = "WebhookEndpointFailure")
    public record Failure(Instant at, UUID deliveryId, String eventType, Integer statusCode, long durationMs,
            String error, String responseExcerpt) {
    }

    private static final String OK = "a.status_code between 200 and 299";

    private final WebhookEndpoints endpoints;
    private final EntityManager em;
    private final Clock clock;

    public EndpointHealth(WebhookEndpoints endpoints, EntityManager em, Clock clock) {
        this.endpoints = endpoints;
        this.em = em;
        this.clock = clock;
    }

    @Transactional
    public Health of(String partnerId, UUID id) {
        Endpoint e = endpoints.get(partnerId, id);
        Instant now = clock.instant();
        Tuple counts = session().createNativeQuery("""
                select count(*) filter (where a.at >= ?2) as hour_attempts,
                       count(*) filter (where a.at >= ?2 and %1$s) as hour_ok,
                       count(*) as day_attempts,
                       count(*) filter (where %1$s) as day_ok,
                       (select count(*) from webhook_deliveries p
                        where p.endpoint_id = ?1 and p.status in ('pending', 'waiting')) as pending
                from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
                where d.endpoint_id = ?1 and a.at >= ?3""".formatted(OK), Tuple.class)
                .setParameter(1, e.id()).setParameter(2, now.minus(Duration.ofHours(1)))
                .setParameter(3, now.minus(Duration.ofDays(1)))
                .addScalar("hour_attempts", Long.class).addScalar("hour_ok", Long.class)
                .addScalar("day_attempts", Long.class).addScalar("day_ok", Long.class)
                .addScalar("pending", Long.class)
                .getSingleResult();
        Instant lastSuccess = session().createNativeQuery("""
                select max(a.at) as at from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
                where d.endpoint_id = ?1 and %s""".formatted(OK), Tuple.class)
                .setParameter(1, e.id()).addScalar("at", Instant.class)
                .getSingleResult().get("at", Instant.class);
        Failure lastFailure = session().createNativeQuery("""
                select a.at, d.id as delivery_id, d.event_type, a.status_code, a.duration_ms, a.error,
                       a.response_excerpt
                from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
                where d.endpoint_id = ?1 and not coalesce(%s, false)
                order by a.at desc limit 1""".formatted(OK), Tuple.class)
                .setParameter(1, e.id())
                .addScalar("at", Instant.class).addScalar("delivery_id", UUID.class)
                .addScalar("event_type", String.class).addScalar("status_code", Integer.class)
                .addScalar("duration_ms", Long.class).addScalar("error", String.class)
                .addScalar("response_excerpt", String.class)
                .getResultList().stream().findFirst()
                .map(t -> new Failure(t.get("at", Instant.class), t.get("delivery_id", UUID.class),
                        t.get("event_type", String.class), t.get("status_code", Integer.class),
                        t.get("duration_ms", Long.class), t.get("error", String.class),
                        t.get("response_excerpt", String.class)))
                .orElse(null);
        return new Health(e.id(), e.enabled(), e.disabledReason(), e.failingSince(),
                Window.of(counts.get("hour_attempts", Long.class), counts.get("hour_ok", Long.class)),
                Window.of(counts.get("day_attempts", Long.class), counts.get("day_ok", Long.class)),
                lastSuccess, lastFailure, counts.get("pending", Long.class));
    }

    private Session session() {
        return em.unwrap(Session.class);
    }
}
