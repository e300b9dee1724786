package io.orderrelay.webhook;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Applies the retention of webhook rows ({@code relay.webhook.retention}): deliveries that ended (succeeded or
 * failed) longer ago are deleted with their attempts, and attempts older than that go too (a delivery still in line
 * keeps its status and count). Lines still waiting are never deleted, or their later events would never go out.
 * Sealed bodies need no job: they are removed as soon as a delivery ends ({@link AttemptLog#complete}).
 */
@ApplicationScoped
public class WebhookHousekeeping {

    private static final int CHUNK = 5_000;

    private final EntityManager em;
    private final WebhookLimits limits;
    private final Clock clock;

    public WebhookHousekeeping(EntityManager em, WebhookLimits limits, Clock clock) {
        this.em = em;
        this.limits = limits;
        this.clock = clock;
    }

    /** Several replicas pruning at once is harmless: each chunk is a short statement of its own. */
    @Scheduled(every = "${relay.webhook.prune-every:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pruneScheduled() {
        try {
            prune();
        } catch (RuntimeException e) {
            Log.warnf("Webhook rows not pruned: %s", e.getMessage());
        }
    }

    public record Pruned(int deliveries, int attempts) {
    }

    public Pruned prune() {
        Instant before = clock.instant().minus(limits.retention());
        int deliveries = chunked("""
                delete from webhook_deliveries where id in (
                  select id from webhook_deliveries
                  where status in ('succeeded', 'failed') and completed_at < ?1 limit ?2)""", before);
        int attempts = chunked("""
                delete from webhook_attempts where (delivery_id, attempt) in (
                  select delivery_id, attempt from webhook_attempts where at < ?1 limit ?2)""", before);
        if (deliveries + attempts > 0) {
            Log.infof("Pruned %d webhook deliveries and %d attempts older than %s", deliveries, attempts, before);
        }
        return new Pruned(deliveries, attempts);
    }

    private int chunked(String sql, Instant before) {
        int total = 0;
        int done;
        do {
            done = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(sql)
                    .setParameter(1, before).setParameter(2, CHUNK).executeUpdate());
            total += done;
        } while (done == CHUNK);
        return total;
    }
}
