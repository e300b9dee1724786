package io.orderrelay.outbox;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;

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

    private final EntityManager em;
    private final OutboxRelay relay;

    public ParkedEvents(EntityManager em, OutboxRelay relay) {
        this.em = em;
        this.relay = relay;
    }

    @SuppressWarnings("unchecked")
    public Page list(int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Object[]> rows = em.createNativeQuery("""
                    select event_id, order_id, sequence, type, park_reason, parked_at, octet_length(payload)
                    from outbox where parked_at is not null and sent_at is null
                    order by parked_at, id limit ?1""")
                    .setParameter(1, limit)
                    .getResultList();
            long total = ((Number) em.createNativeQuery(
                    "select count(*) from outbox where parked_at is not null and sent_at is null")
                    .getSingleResult()).longValue();
            return new Page(rows.stream().map(r -> new Parked((UUID) r[0], (UUID) r[1], ((Number) r[2]).intValue(),
                    (String) r[3], (String) r[4], OutboxStore.instant(r[5]), ((Number) r[6]).intValue())).toList(), total);
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
                .setParameter(2, Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS)))
                .executeUpdate()));
        audit(outcome, "skipped", apiKeyId);
        return outcome;
    }

    private Outcome settle(UUID eventId, String status, LongConsumer change) {
        Optional<Object[]> found = lock(eventId);
        if (found.isEmpty()) {
            return new Unknown();
        }
        Object[] r = found.get();
        if (r[5] != null) {
            return new NotParked("skipped");
        }
        if (r[4] != null) {
            return new NotParked("sent");
        }
        if (r[3] == null) {
            return new NotParked("pending");
        }
        change.accept(((Number) r[0]).longValue());
        return new Settled(eventId, (UUID) r[1], ((Number) r[2]).intValue(), status);
    }

    /** id, order_id, sequence, parked_at, sent_at, skipped_at of the event's row, locked. */
    @SuppressWarnings("unchecked")
    private Optional<Object[]> lock(UUID eventId) {
        List<Object[]> rows = em.createNativeQuery("""
                select id, order_id, sequence, parked_at, sent_at, skipped_at from outbox where event_id = ?1
                for update""")
                .setParameter(1, eventId)
                .getResultList();
        return rows.stream().findFirst();
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
