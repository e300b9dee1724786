package io.orderrelay.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

/**
 * The claim side of webhook_deliveries: which due heads this replica sends now. Claims use
 * {@code FOR UPDATE SKIP LOCKED} plus a lease ({@code claimed_until}), so replicas share the work and a crashed
 * replica's claims are taken over when the lease runs out. Each call is one statement in a transaction of its own.
 */
@ApplicationScoped
@Transactional
public class DeliveryQueue {

    private final EntityManager em;

    public DeliveryQueue(EntityManager em) {
        this.em = em;
    }

    /**
     * Claims up to {@code limit} due deliveries for this replica in one statement: per enabled endpoint, as many due
     * pending heads as it has free slots ({@code perEndpoint} minus its requests in flight on all replicas). One
     * order's events go out one at a time in sequence order (the line), while other orders and endpoints proceed.
     * Rows another replica is claiming right now are skipped, and a row claimed meanwhile fails the recheck that
     * PostgreSQL runs on the locked row.
     */
    public List<DeliveryStore.Claimed> claim(int limit, int perEndpoint, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        UUID token = UUID.randomUUID();
        // A plan for these parameters and the table as it is now, at every claim (this transaction only). Left to
        // itself, PostgreSQL switches a prepared statement to a generic plan after five executions, and the one
        // made while webhook_deliveries was empty or never analyzed seq-scans the whole table (every delivery
        // kept for retention) at each claim. WebhookClaimPlanTest checks it.
        em.createNativeQuery("select set_config('plan_cache_mode', 'force_custom_plan', true)").getSingleResult();
        return em.unwrap(Session.class).createNativeQuery("""
                with busy as (
                  select endpoint_id, count(*) as n from webhook_deliveries
                  where status = 'pending' and claimed_until is not null and claimed_until > now()
                  group by endpoint_id),
                picked as (
                  select x.id from webhook_endpoints e
                  left join busy b on b.endpoint_id = e.id
                  cross join lateral (
                    select d.id, d.next_attempt_at from webhook_deliveries d
                    where d.endpoint_id = e.id and d.status = 'pending' and d.next_attempt_at <= now()
                      and (d.claimed_until is null or d.claimed_until <= now())
                    order by d.next_attempt_at, d.id
                    limit greatest(?1 - coalesce(b.n, 0), 0)
                    for update of d skip locked) x
                  where e.enabled
                  order by x.next_attempt_at
                  limit ?2)
                update webhook_deliveries d
                set claimed_until = now() + make_interval(secs => ?3), claim_token = ?4
                from picked, webhook_endpoints e
                where d.id = picked.id and e.id = d.endpoint_id
                returning d.id, d.endpoint_id, d.event_id, d.order_id, d.body, d.body_sealed, d.attempt_count,
                  d.retry_base, e.url, e.secret, e.previous_secret, e.previous_secret_until, d.traceparent""", Tuple.class)
                .setParameter(1, perEndpoint).setParameter(2, limit).setParameter(3, lease.toMillis() / 1000.0)
                .setParameter(4, token)
                .addScalar("id", UUID.class).addScalar("endpoint_id", UUID.class).addScalar("event_id", UUID.class)
                .addScalar("order_id", UUID.class).addScalar("body", String.class).addScalar("body_sealed", Boolean.class)
                .addScalar("attempt_count", Integer.class).addScalar("retry_base", Integer.class)
                .addScalar("url", String.class).addScalar("secret", String.class)
                .addScalar("previous_secret", String.class).addScalar("previous_secret_until", Instant.class)
                .addScalar("traceparent", String.class)
                .getResultList().stream()
                .map(t -> new DeliveryStore.Claimed(t.get("id", UUID.class), t.get("endpoint_id", UUID.class),
                        t.get("event_id", UUID.class), t.get("order_id", UUID.class), t.get("body", String.class),
                        t.get("body_sealed", Boolean.class), t.get("attempt_count", Integer.class),
                        t.get("retry_base", Integer.class), token, t.get("url", String.class),
                        t.get("secret", String.class), t.get("previous_secret", String.class),
                        t.get("previous_secret_until", Instant.class), t.get("traceparent", String.class)))
                .toList();
    }

    /** Extends this replica's claim while its attempt is still being recorded; false when the claim is lost. */
    public boolean renew(DeliveryStore.Claimed claim, Duration lease) {
        return em.createNativeQuery("""
                update webhook_deliveries set claimed_until = now() + make_interval(secs => ?1)
                where id = ?2 and claim_token = ?3""")
                .setParameter(1, lease.toMillis() / 1000.0).setParameter(2, claim.id())
                .setParameter(3, claim.claimToken())
                .executeUpdate() > 0;
    }
}
