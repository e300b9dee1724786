package io.orderrelay.order;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/** Prunes Idempotency-Key records older than the retention period, so that the table stays bounded. */
@ApplicationScoped
public class IdempotencyHousekeeping {

    private static final int PRUNE_CHUNK = 10_000;
    /** Well past {@link IdempotencyStore#ABANDONED_AFTER}: a request still working always finds its key. */
    private static final Duration MIN_RETENTION = Duration.ofHours(1);

    private final IdempotencyStore store;
    private final IdempotencyConfig config;
    private final Clock clock;

    public IdempotencyHousekeeping(IdempotencyStore store, IdempotencyConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /** Chunked deletes keep each transaction short; several replicas pruning at once is harmless. */
    @Scheduled(every = "${relay.idempotency.prune-every:1h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void pruneScheduled() {
        try {
            prune();
        } catch (RuntimeException e) {
            Log.warnf("Pruning idempotency keys failed (retried at the next run): %s", e.toString());
        }
    }

    /** Deletes the keys first used before the retention period; answers how many. */
    public int prune() {
        Duration retention = config.retention().compareTo(MIN_RETENTION) < 0 ? MIN_RETENTION : config.retention();
        Instant before = clock.instant().minus(retention);
        int total = 0;
        int deleted;
        do {
            deleted = QuarkusTransaction.requiringNew().call(() -> store.pruneBefore(before, PRUNE_CHUNK));
            total += deleted;
        } while (deleted == PRUNE_CHUNK);
        if (total > 0) {
            Log.infof("Pruned %d idempotency keys first used before %s", total, before);
        }
        return total;
    }
}
