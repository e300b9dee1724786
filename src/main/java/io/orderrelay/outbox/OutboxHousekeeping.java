package io.orderrelay.outbox;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Refreshes the backlog gauges and prunes rows that left the line (sent, or skipped by an admin) longer ago than
 * the retention period. Rows still in line, parked ones included, are never pruned: they have no sent_at.
 */
@ApplicationScoped
public class OutboxHousekeeping {

    private static final int PRUNE_CHUNK = 10_000;

    private final OutboxStore store;
    private final OutboxMetrics metrics;
    private final OutboxConfig config;
    private final Clock clock;

    public OutboxHousekeeping(OutboxStore store, OutboxMetrics metrics, OutboxConfig config, Clock clock) {
        this.store = store;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(every = "${relay.outbox.stats-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refreshGauges() {
        try {
            metrics.backlog(QuarkusTransaction.requiringNew().call(store::backlog));
        } catch (RuntimeException e) {
            Log.debugf("Outbox backlog not readable: %s", e.toString());
        }
    }

    /** Chunked deletes keep each transaction short; several replicas pruning at once is harmless. */
    @Scheduled(every = "${relay.outbox.prune-every:1h}", delayed = "${relay.outbox.prune-delay:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pruneScheduled() {
        prune();
    }

    /** Deletes sent (and skipped) rows past retention; answers how many. */
    public int prune() {
        Instant before = clock.instant().minus(config.retention());
        int total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(() -> store.pruneSentBefore(before, PRUNE_CHUNK));
            total += deleted;
        } while (deleted == PRUNE_CHUNK);
        if (total > 0) {
            Log.infof("Pruned %d outbox rows sent before %s", total, before);
        }
        return total;
    }
}
