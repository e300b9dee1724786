package io.orderrelay.outbox;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.hibernate.Session;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Outbox events Kafka refused for good (parked by {@link OutboxRelay}): listed for admins, and retried (back in
 * line, e.g. once the topic accepts larger records) or skipped (never published; the order's later events flow).
 * Every retry and skip is audited in the log with the caller's API key id.
 */
@ApplicationScoped
public class ParkedEvents {

    /** A parked event; {@code id} is the event id (the CloudEvents {@code id}), never the internal row id. */
    public record Parked(UUID id, UUID orderId, int sequence, String type, String reason, Instant parkedAt,
            int sizeBytes) {
    }

    /** The oldest parked events first, and how many there are in all. */
    @Schema(name = "ParkedEventPage")
    public record Page(List<Parked> items, long total) {
    }

    /** What a retry or skip did. */
    public sealed interface Outcome permits Settled, Unknown, NotParked {
    }

    /** @param status {@code pending} (retried: back in line) or {@code skipped} */
    public record Settled(UUID id, UUID orderId, int sequence, String status) implements Outcome {
    }

    public record Unknown() implements Outcome {
    }

    /** @param status what the event is instead: {@code pending}, {@code sent} or {@code skipped} */
    public record NotParked(String status) implements Outcome {
    }

    /** The outbox row of an event, as a retry or skip needs it. */
    private record Row(long id, UUID orderId, int sequence, Instant parkedAt, Instant sentAt, Instant skippedAt) {
    }

    private final EntityManager em;
    private final OutboxRelay relay;
    private final Clock clock;

    public ParkedEvents(EntityManager em, OutboxRelay relay, Clock clock) {
        this.em = em;
        this.relay = relay;
        this.clock = clock;
    }

    public Page list(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Parked> parked = em.unwrap(Session.class).createNativeQuery("""
                    select event_id, order_id, sequence, type, park_reason, parked_at,
                      octet_length(payload) as size_bytes
                    from outbox where parked_at is not null and sent_at is null
                    order by parked_at, id limit ?1""", Tuple.class)
                    .setParameter(1, limit)
                    .addScalar("event_id", UUID.class).addScalar("order_id", UUID.class)
                    .addScalar("sequence", Integer.class).addScalar("type", String.class)
                    .addScalar("park_reason", String.class).addScalar("parked_at", Instant.class)
                    .addScalar("size_bytes", Integer.class)
                    .getResultList().stream()
                    .map(r -> new Parked(r.get("event_id", UUID.class), r.get("order_id", UUID.class),
                            r.get("sequence", Integer.class), r.get("type", String.class),
                            r.get("park_reason", String.class), r.get("parked_at", Instant.class),
                            r.get("size_bytes", Integer.class)))
                    .toList();
            long total = em.unwrap(Session.class)
                    .createNativeQuery("select count(*) as n from outbox where parked_at is not null and sent_at is null",
                            Long.class)
                    .getSingleResult();
            return new Page(parked, total);
        });
    }

    /** Puts a parked event back in line: the relay sends it again (and parks it again if Kafka still refuses it). */
    public Outcome retry(UUID eventId, String apiKeyId) {
        Outcome outcome = QuarkusTransaction.requiringNew().call(() -> settle(eventId, "pending", rowId -> em
                .createNativeQuery("update outbox set parked_at = null, park_reason = null where id = ?1")
                .setParameter(1, rowId)
                .executeUpdate()));
        audit(outcome, "retried", apiKeyId);
        return outcome;
    }

    /** Gives up on a parked event: it is never published, and its order's later events are published. */
    public Outcome skip(UUID eventId, String apiKeyId) {
        // sent_at too: the row leaves the line (see V8), so the order's later rows become eligible
        Outcome outcome = QuarkusTransaction.requiringNew().call(() -> settle(eventId, "skipped", rowId -> em
                .createNativeQuery("update outbox set skipped_at = ?2, sent_at = ?2 where id = ?1")
                .setParameter(1, rowId)
                .setParameter(2, clock.instant())
                .executeUpdate()));
        audit(outcome, "skipped", apiKeyId);
        return outcome;
    }

    private Outcome settle(UUID eventId, String status, LongConsumer change) {
        Optional<Row> found = lock(eventId);
        if (found.isEmpty()) {
            return new Unknown();
        }
        Row r = found.get();
        if (r.skippedAt() != null) {
            return new NotParked("skipped");
        }
        if (r.sentAt() != null) {
            return new NotParked("sent");
        }
        if (r.parkedAt() == null) {
            return new NotParked("pending");
        }
        change.accept(r.id());
        return new Settled(eventId, r.orderId(), r.sequence(), status);
    }

    /** The event's row, locked. */
    private Optional<Row> lock(UUID eventId) {
        return em.unwrap(Session.class).createNativeQuery("""
                select id, order_id, sequence, parked_at, sent_at, skipped_at from outbox where event_id = ?1
                for update""", Tuple.class)
                .setParameter(1, eventId)
                .addScalar("id", Long.class).addScalar("order_id", UUID.class).addScalar("sequence", Integer.class)
                .addScalar("parked_at", Instant.class).addScalar("sent_at", Instant.class)
                .addScalar("skipped_at", Instant.class)
                .getResultList().stream()
                .map(r -> new Row(r.get("id", Long.class), r.get("order_id", UUID.class), r.get("sequence", Integer.class),
                        r.get("parked_at", Instant.class), r.get("sent_at", Instant.class),
                        r.get("skipped_at", Instant.class)))
                .findFirst();
    }

    private void audit(Outcome outcome, String action, String apiKeyId) {
        if (outcome instanceof Settled s) {
            Log.infof("Audit: parked outbox event %s of order %s (sequence %d) %s by API key %s", s.id(), s.orderId(),
                    s.sequence(), action, apiKeyId);
            // after the commit: the event (retried) or the order's next one (skipped) can go now
            relay.wake();
        }
    }
}
