package io.orderrelay.order;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;

import org.hibernate.Session;

/**
 * What already holds a placement's Idempotency-Key or its client_reference: read before any upstream call (both in one
 * statement), and again after a store lost the client_reference race. Reads only, no transaction of its own.
 */
@ApplicationScoped
class PlacementLookup {

    /** The order that already holds a client_reference. */
    record Holder(UUID orderId, String state) {
    }

    /** What the read before any upstream call found: what holds the key, and the order holding the reference. */
    record Before(Optional<IdempotencyStore.Claim> held, Optional<Holder> duplicate) {
    }

    private final EntityManager em;
    private final IdempotencyStore idempotency;

    PlacementLookup(EntityManager em, IdempotencyStore idempotency) {
        this.em = em;
        this.idempotency = idempotency;
    }

    /**
     * The key's row and the order holding the client_reference, in one statement (one connection and one round trip
     * before the upstream calls, where there were two). {@code scope}, {@code key} and {@code hash} are null when the
     * request has no Idempotency-Key.
     */
    Before before(CreateOrderRequest request, String scope, String key, String hash) {
        if (key == null && request.clientReference() == null) {
            return new Before(Optional.empty(), Optional.empty());
        }
        // a null key or reference matches nothing ("= null" is never true): that half comes back empty
        Tuple row = (Tuple) em.unwrap(Session.class).createNativeQuery("""
                select k.request_hash, k.status, k.response, k.created_at, k.order_id,
                       o.id as held_by, o.state as held_by_state
                from (select 1) as one
                left join idempotency_keys k on k.scope = ?1 and k.key = ?2
                left join orders o on o.partner_id = ?3 and o.client_reference = ?4 and o.state <> ?5""", Tuple.class)
                .setParameter(1, scope, String.class)
                .setParameter(2, key, String.class)
                .setParameter(3, request.partnerId(), String.class)
                .setParameter(4, request.clientReference(), String.class)
                .setParameter(5, OrderState.REJECTED, String.class)
                .addScalar("request_hash", String.class).addScalar("status", Integer.class)
                .addScalar("response", String.class).addScalar("created_at", Instant.class)
                .addScalar("order_id", UUID.class).addScalar("held_by", UUID.class)
                .addScalar("held_by_state", String.class)
                .getSingleResult();
        String rowHash = row.get("request_hash", String.class);
        Optional<IdempotencyStore.Claim> held = rowHash == null ? Optional.empty()
                : idempotency.held(hash, rowHash, row.get("status", Integer.class), row.get("response", String.class),
                        row.get("created_at", Instant.class), row.get("order_id", UUID.class));
        UUID heldBy = row.get("held_by", UUID.class);
        return new Before(held, heldBy == null ? Optional.empty()
                : Optional.of(new Holder(heldBy, row.get("held_by_state", String.class))));
    }

    /** The order holding the request's client_reference, if any (a Rejected order never existed upstream: not it). */
    Optional<Holder> duplicateReference(CreateOrderRequest request) {
        if (request.clientReference() == null) {
            return Optional.empty();
        }
        return Order.<Order>find("partnerId = ?1 and clientReference = ?2 and state <> ?3",
                request.partnerId(), request.clientReference(), OrderState.REJECTED).firstResultOptional()
                .map(o -> new Holder(o.id, o.state));
    }
}
