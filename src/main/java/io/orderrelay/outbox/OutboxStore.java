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

/** SQL of the outbox table; every method runs in the caller's transaction. */
@ApplicationScoped
public class OutboxStore {

    private final EntityManager em;

    public OutboxStore(EntityManager em) {
        this.em = em;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void insert(UUID eventId, UUID orderId, int sequence, String type, byte[] payload, Instant createdAt) {
        em.createNativeQuery("""
                insert into outbox (event_id, order_id, sequence, type, payload, created_at)
                values (?1, ?2, ?3, ?4, ?5, ?6)""")
                .setParameter(1, eventId)
                .setParameter(2, orderId)
                .setParameter(3, sequence)
                .setParameter(4, type)
                .setParameter(5, payload)
                .setParameter(6, Timestamp.from(createdAt))
                .executeUpdate();
    }

    /**
     * Locks up to {@code limit} pending rows, oldest first, each the lowest pending sequence of its order.
     *
     * <p>Per-order order with several relays: a row is only eligible when no earlier row of its order is
     * pending (sent or not, locked or not: the NOT EXISTS does not skip locked rows). So while one relay
     * holds row n of an order, another relay skips n (SKIP LOCKED) and cannot take n+1 either; n+1
     * becomes eligible only once n's "sent" is committed.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @SuppressWarnings("unchecked")
    public List<OutboxRow> claimHeads(int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                select o.id, o.event_id, o.order_id, o.sequence, o.type, o.payload, o.created_at
                from outbox o
                where o.sent_at is null
                  and not exists (select 1 from outbox p
                                  where p.order_id = o.order_id and p.sequence < o.sequence and p.sent_at is null)
                order by o.id
                limit ?1
                for update of o skip locked""")
                .setParameter(1, limit)
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

    /** Deletes up to {@code limit} rows sent before {@code before}; answers how many. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int pruneSentBefore(Instant before, int limit) {
        return em.createNativeQuery("""
                delete from outbox where id in (
                    select id from outbox where sent_at is not null and sent_at < ?1 limit ?2)""")
                .setParameter(1, Timestamp.from(before))
                .setParameter(2, limit)
                .executeUpdate();
    }

    /** Pending rows and the age of the oldest (zero when none). */
    @Transactional(Transactional.TxType.MANDATORY)
    public Backlog backlog() {
        Object[] r = (Object[]) em.createNativeQuery("""
                select count(*), (select created_at from outbox where sent_at is null order by id limit 1)
                from outbox where sent_at is null""")
                .getSingleResult();
        Instant oldest = instant(r[1]);
        Duration age = oldest == null ? Duration.ZERO : Duration.between(oldest, Instant.now());
        return new Backlog(((Number) r[0]).longValue(), age.isNegative() ? Duration.ZERO : age);
    }

    public record Backlog(long rows, Duration oldestAge) {
    }

    private static Instant instant(Object value) {
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
