package io.orderrelay.outbox;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** SQL of the outbox table (new rows are {@link OutboxEntry} entities); every method runs in the caller's transaction. */
@ApplicationScoped
public class OutboxStore {

    private final EntityManager em;

    public OutboxStore(EntityManager em) {
        this.em = em;
    }

    /**
     * Locks up to {@code limit} pending rows, oldest first, each the lowest pending sequence of its order.
     *
     * <p>Per-order order with several relays: a row is only eligible when no earlier row of its order is
     * pending (sent or not, locked or not: the NOT EXISTS does not skip locked rows). So while one relay
     * holds row n of an order, another relay skips n (SKIP LOCKED) and cannot take n+1 either; n+1
     * becomes eligible only once n's "sent" is committed. A parked row is never claimed, and as it is still
     * unsent it keeps holding back its order's later rows.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public List<OutboxRow> claimHeads(int limit) {
        // Ids first (narrow: cheap to sort even with stale statistics, e.g. right after an outage's backlog
        // grew), then the payloads of just those rows. The limit is a literal, not a bind parameter: with
        // "limit $1" PostgreSQL's generic plan (used after 5 executions of the prepared statement) ignores
        // the limit and hash-joins every pending row: 0.5 s per claim with a 50,000-row backlog, 10 ms now.
        List<Object[]> rows = em.createNativeQuery("""
                with heads as (
                    select h.id from outbox h
                    where h.sent_at is null and h.parked_at is null
                      and not exists (select 1 from outbox p
                                      where p.order_id = h.order_id and p.sequence < h.sequence and p.sent_at is null)
                    order by h.id
                    limit %d
                    for update skip locked)
                select o.id, o.event_id, o.order_id, o.sequence, o.type, o.payload, o.created_at
                from outbox o join heads on heads.id = o.id
                order by o.id""".formatted(Math.max(1, limit)))
                .getResultList();
        return rows.stream().map(r -> new OutboxRow(((Number) r[0]).longValue(), (UUID) r[1], (UUID) r[2],
                ((Number) r[3]).intValue(), (String) r[4], (byte[]) r[5], instant(r[6]))).toList();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void markSent(Collection<Long> ids, Instant sentAt) {
        if (ids.isEmpty()) {
            return;
        }
        em.createNativeQuery("update outbox set sent_at = ?1 where id = any(?2)")
                .setParameter(1, Timestamp.from(sentAt))
                .setParameter(2, ids.toArray(Long[]::new))
                .executeUpdate();
    }

    /**
     * Parks a claimed row that Kafka refused for a reason retrying cannot fix: the relay stops claiming it (it
     * still holds back its order's later rows) until an admin retries or skips it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void park(long id, String reason, Instant parkedAt) {
        em.createNativeQuery("update outbox set parked_at = ?1, park_reason = ?2 where id = ?3 and sent_at is null")
                .setParameter(1, Timestamp.from(parkedAt))
                .setParameter(2, reason)
                .setParameter(3, id)
                .executeUpdate();
    }

    /** Deletes up to {@code limit} rows sent (or skipped) before {@code before}; answers how many. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int pruneSentBefore(Instant before, int limit) {
        return em.createNativeQuery("""
                delete from outbox where id in (
                    select id from outbox where sent_at is not null and sent_at < ?1 limit ?2)""")
                .setParameter(1, Timestamp.from(before))
                .setParameter(2, limit)
                .executeUpdate();
    }

    /**
     * The line as the metrics show it: rows the relay can publish (pending, not parked and not behind a parked
     * row of their order) and the age of the oldest of them (zero when none), parked rows, and rows held
     * behind a parked row. A parked order thus never makes the backlog look old: it has gauges of its own.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Backlog backlog() {
        // "in line" = unsent and not parked; "held" = in line behind a parked row of the same order
        String inLine = "o.sent_at is null and o.parked_at is null";
        String behindParked = "exists (select 1 from outbox p where p.order_id = o.order_id"
                + " and p.parked_at is not null and p.sent_at is null)";
        Object[] r = (Object[]) em.createNativeQuery("""
                select (select count(*) from outbox o where %1$s and not %2$s),
                       (select o.created_at from outbox o where %1$s and not %2$s order by o.id limit 1),
                       (select count(*) from outbox where parked_at is not null and sent_at is null),
                       (select count(*) from outbox o where %1$s and %2$s)""".formatted(inLine, behindParked))
                .getSingleResult();
        Instant oldest = instant(r[1]);
        Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest, Instant.now());
        return new Backlog(((Number) r[0]).longValue(), age.isNegative() ? Duration.ZERO : age,
                ((Number) r[2]).longValue(), ((Number) r[3]).longValue());
    }

    /**
     * @param rows      publishable rows (pending, not parked, not held)
     * @param oldestAge age of the oldest publishable row
     * @param parked    parked rows
     * @param held      rows waiting behind a parked row of their order
     */
    public record Backlog(long rows, Duration oldestAge, long parked, long held) {
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
