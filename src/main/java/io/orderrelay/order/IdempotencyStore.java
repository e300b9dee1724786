package io.orderrelay.order;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Idempotency-Key bookkeeping. A key is claimed before any work, completed with the answer given, and
 * released when nothing was stored (so that a retry with the same key does the work). Keys are pruned after
 * the retention period ({@link IdempotencyHousekeeping}).
 */
@ApplicationScoped
public class IdempotencyStore {

    /** A claim left unfinished this long (a crash mid-request) may be taken again. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(5);

    public sealed interface Claim {
    }

    public record Fresh() implements Claim {
    }

    public record Replay(int status, String body, UUID orderId) implements Claim {
    }

    public record InProgress() implements Claim {
    }

    public record Mismatch() implements Claim {
    }

    /** A request with this key stored an order and did not finish answering: its outcome is the order's state. */
    public record Settling(UUID orderId) implements Claim {
    }

    private final EntityManager em;

    public IdempotencyStore(EntityManager em) {
        this.em = em;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Claim claim(String scope, String key, String requestHash) {
        int inserted = em.createNativeQuery("""
                insert into idempotency_keys (scope, key, request_hash, created_at) values (?1, ?2, ?3, ?4)
                on conflict (scope, key) do nothing""")
                .setParameter(1, scope).setParameter(2, key).setParameter(3, requestHash)
                .setParameter(4, Timestamp.from(Instant.now()))
                .executeUpdate();
        if (inserted == 1) {
            return new Fresh();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                select request_hash, status, response, created_at, order_id from idempotency_keys
                where scope = ?1 and key = ?2 for update""")
                .setParameter(1, scope).setParameter(2, key).getResultList();
        if (rows.isEmpty()) {
            return claim(scope, key, requestHash); // released meanwhile
        }
        Object[] row = rows.get(0);
        if (!requestHash.equals(row[0])) {
            return new Mismatch();
        }
        if (row[1] != null) {
            return new Replay(((Number) row[1]).intValue(), (String) row[2], (UUID) row[4]);
        }
        if (row[4] != null) {
            // never redo the work once an order exists: a second upstream create could buy twice
            return new Settling((UUID) row[4]);
        }
        Instant claimedAt = row[3] instanceof Timestamp t ? t.toInstant() : (Instant) row[3];
        if (claimedAt.isBefore(Instant.now().minus(ABANDONED_AFTER))) {
            em.createNativeQuery("update idempotency_keys set created_at = ?3 where scope = ?1 and key = ?2")
                    .setParameter(1, scope).setParameter(2, key).setParameter(3, Timestamp.from(Instant.now()))
                    .executeUpdate();
            return new Fresh();
        }
        return new InProgress();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void complete(String scope, String key, UUID orderId, int status, String body) {
        em.createNativeQuery("""
                update idempotency_keys set order_id = ?3, status = ?4, response = ?5
                where scope = ?1 and key = ?2""")
                .setParameter(1, scope).setParameter(2, key).setParameter(3, orderId)
                .setParameter(4, status).setParameter(5, body)
                .executeUpdate();
    }

    /** Ties the key to the order in the transaction that stores it. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void attach(String scope, String key, UUID orderId) {
        em.createNativeQuery("update idempotency_keys set order_id = ?3 where scope = ?1 and key = ?2")
                .setParameter(1, scope).setParameter(2, key).setParameter(3, orderId).executeUpdate();
    }

    /** Forgets an unanswered key even if an order is tied to it: for outcomes known never to have reached upstream. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void forget(String scope, String key) {
        em.createNativeQuery("delete from idempotency_keys where scope = ?1 and key = ?2 and status is null")
                .setParameter(1, scope).setParameter(2, key).executeUpdate();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void release(String scope, String key) {
        em.createNativeQuery("delete from idempotency_keys where scope = ?1 and key = ?2 and status is null and order_id is null")
                .setParameter(1, scope).setParameter(2, key).executeUpdate();
    }

    /**
     * Deletes up to {@code limit} keys first used before {@code before}, whatever their state: past the retention
     * a key is forgotten, and the same key is a new request (a client_reference still refuses a second order).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int pruneBefore(Instant before, int limit) {
        return em.createNativeQuery("""
                delete from idempotency_keys where (scope, key) in (
                    select scope, key from idempotency_keys where created_at < ?1 limit ?2)""")
                .setParameter(1, Timestamp.from(before)).setParameter(2, limit)
                .executeUpdate();
    }
}
