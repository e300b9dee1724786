package io.orderrelay.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;

import org.hibernate.Session;
import org.hibernate.query.NativeQuery;

/**
 * Idempotency-Key bookkeeping, written inside the placement's own transactions so that it costs no commit of its
 * own: a key is claimed in the transaction that stores its order (a key is never held without an order, and an
 * order of a key never exists without the key naming it), and its answer is stored in the transaction that stores
 * the outcome. Before any work, the placement only reads the key ({@link #held} says what its row means). Keys
 * are pruned after the retention period ({@link IdempotencyHousekeeping}).
 */
@ApplicationScoped
public class IdempotencyStore {

    /** A claim left unfinished this long without an order (written by versions that claimed before validating) may be taken again. */
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
    private final Clock clock;

    public IdempotencyStore(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    /** What tells two bodies sent with one key apart: the SHA-256 of the body as parsed and written again. */
    public static String hash(String canonicalBody) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalBody.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What holds a key, from its row read without a lock or a write by the placement (which reads the key and the
     * client_reference in one statement, before any upstream call): empty when the key is free.
     */
    public Optional<Claim> held(String requestHash, String rowHash, Integer status, String response, Instant claimedAt,
            UUID orderId) {
        return Optional.of(claimOf(requestHash, rowHash, status, response, claimedAt, orderId,
                clock.instant().minus(ABANDONED_AFTER))).filter(claim -> !(claim instanceof Fresh));
    }

    /**
     * Claims the key for {@code orderId} in the caller's transaction, the one that stores the order. Answers
     * {@link Fresh} when claimed, else what holds the key; a concurrent claim of the same key is waited for (the
     * primary key) until it commits or rolls back.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Claim claim(String scope, String key, String requestHash, UUID orderId) {
        return take(scope, key, requestHash, orderId, null, null);
    }

    /**
     * Stores an answer given without storing an order (a duplicate client_reference) under the key, in a
     * transaction of its own: {@link Fresh} when stored, else what holds the key (a concurrent request won it).
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Claim answer(String scope, String key, String requestHash, UUID orderId, int status, String body) {
        return take(scope, key, requestHash, orderId, status, body);
    }

    /** The answer given, in the caller's transaction: the one that stores the outcome it answers. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void complete(String scope, String key, UUID orderId, int status, String body) {
        onKeys("""
                update idempotency_keys set order_id = ?3, status = ?4, response = ?5
                where scope = ?1 and key = ?2""")
                .setParameter(1, scope).setParameter(2, key).setParameter(3, orderId)
                .setParameter(4, status).setParameter(5, body)
                .executeUpdate();
    }

    /**
     * Forgets an unanswered key even though an order is tied to it, in the transaction that stores the outcome: for
     * outcomes known never to have reached upstream, so that the same key may do the work again.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void forget(String scope, String key) {
        onKeys("delete from idempotency_keys where scope = ?1 and key = ?2 and status is null")
                .setParameter(1, scope).setParameter(2, key).executeUpdate();
    }

    private Claim take(String scope, String key, String requestHash, UUID orderId, Integer status, String body) {
        Instant now = clock.instant();
        Instant abandonedBefore = now.minus(ABANDONED_AFTER);
        while (true) {
            // one statement for a free key and for a claim abandoned without an order; on conflict the row is locked
            // even when the WHERE is false, so the read below sees what holds it until this transaction ends
            int taken = onKeys("""
                    insert into idempotency_keys as k (scope, key, request_hash, order_id, status, response, created_at)
                    values (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    on conflict (scope, key) do update
                    set order_id = excluded.order_id, status = excluded.status, response = excluded.response,
                        created_at = excluded.created_at
                    where k.status is null and k.order_id is null and k.request_hash = excluded.request_hash
                      and k.created_at < ?8""")
                    .setParameter(1, scope).setParameter(2, key).setParameter(3, requestHash)
                    .setParameter(4, orderId).setParameter(5, status).setParameter(6, body)
                    .setParameter(7, now).setParameter(8, abandonedBefore)
                    .executeUpdate();
            if (taken == 1) {
                return new Fresh();
            }
            Optional<Claim> holder = current(scope, key, requestHash, null, true);
            if (holder.isPresent()) {
                return holder.get();
            }
            // deleted between the two statements (a forget): try again
        }
    }

    /** @param abandonedBefore claims without an order older than this count as free; null: none does */
    private Optional<Claim> current(String scope, String key, String requestHash, Instant abandonedBefore, boolean lock) {
        List<Tuple> rows = em.unwrap(Session.class).createNativeQuery("""
                select request_hash, status, response, created_at, order_id from idempotency_keys
                where scope = ?1 and key = ?2""" + (lock ? " for update" : ""), Tuple.class)
                .setParameter(1, scope).setParameter(2, key)
                .addScalar("request_hash", String.class).addScalar("status", Integer.class)
                .addScalar("response", String.class).addScalar("created_at", Instant.class)
                .addScalar("order_id", UUID.class)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Tuple row = rows.get(0);
        return Optional.of(claimOf(requestHash, row.get("request_hash", String.class), row.get("status", Integer.class),
                row.get("response", String.class), row.get("created_at", Instant.class), row.get("order_id", UUID.class),
                abandonedBefore));
    }

    /** What a key's row means to a request with {@code requestHash}. */
    private static Claim claimOf(String requestHash, String rowHash, Integer status, String response, Instant claimedAt,
            UUID orderId, Instant abandonedBefore) {
        if (!requestHash.equals(rowHash)) {
            return new Mismatch();
        }
        if (status != null) {
            return new Replay(status, response, orderId);
        }
        if (orderId != null) {
            // never redo the work once an order exists: a second upstream create could buy twice
            return new Settling(orderId);
        }
        return abandonedBefore != null && claimedAt.isBefore(abandonedBefore) ? new Fresh() : new InProgress();
    }

    /**
     * A native statement on idempotency_keys alone. Named as such, Hibernate does not flush the transaction's
     * entities before it (for a statement it cannot see into it flushes everything, and then dirty-checks them
     * all again at commit): the outcome's order, transition and outbox rows are written once, at commit.
     */
    private NativeQuery<?> onKeys(String sql) {
        return em.createNativeQuery(sql).unwrap(NativeQuery.class).addSynchronizedQuerySpace("idempotency_keys");
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
                .setParameter(1, before).setParameter(2, limit)
                .executeUpdate();
    }
}
