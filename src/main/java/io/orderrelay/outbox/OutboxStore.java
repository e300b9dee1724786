package io.orderrelay.outbox;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.postgresql.PGStatement;

/** SQL of the outbox table (new rows are {@link OutboxEntry} entities); every method runs in the caller's transaction. */
@ApplicationScoped
public class OutboxStore {

    private final EntityManager em;
    private final Clock clock;

    public OutboxStore(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    /**
     * Locks up to {@code limit} pending rows, oldest first, each the lowest pending sequence of its order.
     *
     * <p>Per-order order with several relays: a row is only eligible when no earlier row of its order is
     * pending (locked or not: the subquery's min() reads every pending row of the order, SKIP LOCKED or not). So while one relay
     * holds row n of an order, another relay skips n (SKIP LOCKED) and cannot take n+1 either; n+1
     * becomes eligible only once n's "sent" is committed. A parked row is never claimed, and as it is still
     * unsent it keeps holding back its order's later rows.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<OutboxRow> claimHeads(int limit) {
        // Planned afresh at every execution (prepare threshold 0): a server-prepared statement without parameters
        // keeps the one plan made at its first executions until the table is analyzed again, and a plan made on an
        // empty table (seq scans, or a nested loop over every pending row) costs seconds per claim once a burst
        // has queued thousands of rows. A fresh plan reads the table's real size; the shape (see claimSql) keeps
        // it index-driven even with misleading statistics. OutboxClaimPlanTest checks both.
        return em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement s = connection.prepareStatement(claimSql(limit))) {
                s.unwrap(PGStatement.class).setPrepareThreshold(0);
                List<OutboxRow> rows = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new OutboxRow(r.getLong("id"), r.getObject("event_id", UUID.class),
                                r.getObject("order_id", UUID.class), r.getInt("sequence"), r.getString("type"),
                                r.getBytes("payload"), r.getObject("created_at", OffsetDateTime.class).toInstant(),
                                r.getString("traceparent")));
                    }
                }
                return rows;
            }
        });
    }

    /**
     * The claim statement. Heads are read from outbox_claimable (V17: exactly the claim's predicate) in id order, so
     * the LIMIT stops the scan; "is there an earlier pending row of this order?" is a scalar subquery, which
     * PostgreSQL runs per candidate as a lookup in outbox_pending_order (order_id, sequence) rather than turning it
     * into a join over all pending rows (what the former NOT EXISTS became on an empty or never-analyzed table).
     * The limit is a literal: with "limit $1" a generic plan ignores it.
     */
    static String claimSql(int limit) {
        return """
                with heads as (
                    select h.id from outbox h
                    where h.sent_at is null and h.parked_at is null
                      and h.sequence = (select min(p.sequence) from outbox p
                                        where p.order_id = h.order_id and p.sent_at is null)
                    order by h.id
                    limit %d
                    for update skip locked)
                select o.id, o.event_id, o.order_id, o.sequence, o.type, o.payload, o.created_at, o.traceparent
                from outbox o join heads on heads.id = o.id
                order by o.id""".formatted(Math.max(1, limit));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void markSent(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        em.createNativeQuery("update outbox set sent_at = ?1 where id = any(?2)")
                .setParameter(1, clock.instant())
                .setParameter(2, ids.toArray(Long[]::new))
                .executeUpdate();
    }

    /**
     * Parks a claimed row that Kafka refused for a reason retrying cannot fix: the relay stops claiming it (it
     * still holds back its order's later rows) until an admin retries or skips it.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void park(long id, String reason) {
        em.createNativeQuery("update outbox set parked_at = ?1, park_reason = ?2 where id = ?3 and sent_at is null")
                .setParameter(1, clock.instant())
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
                .setParameter(1, before)
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
        Tuple r = em.unwrap(Session.class).createNativeQuery("""
                select (select count(*) from outbox o where %1$s and not %2$s) as publishable,
                       (select o.created_at from outbox o where %1$s and not %2$s order by o.id limit 1) as oldest,
                       (select count(*) from outbox where parked_at is not null and sent_at is null) as parked,
                       (select count(*) from outbox o where %1$s and %2$s) as held""".formatted(inLine, behindParked),
                Tuple.class)
                .addScalar("publishable", Long.class).addScalar("oldest", Instant.class)
                .addScalar("parked", Long.class).addScalar("held", Long.class)
                .getSingleResult();
        Instant oldest = r.get("oldest", Instant.class);
        Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest, clock.instant());
        return new Backlog(r.get("publishable", Long.class), age.isNegative() ? Duration.ZERO : age,
                r.get("parked", Long.class), r.get("held", Long.class));
    }

    /**
     * @param rows      publishable rows (pending, not parked, not held)
     * @param oldestAge age of the oldest publishable row
     * @param parked    parked rows
     * @param held      rows waiting behind a parked row of their order
     */
    public record Backlog(long rows, Duration oldestAge, long parked, long held) {
    }
}
