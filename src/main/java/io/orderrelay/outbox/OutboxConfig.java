package io.orderrelay.outbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The outbox relay (prod: RELAY_OUTBOX_*). Kafka client settings themselves come from {@code kafka.*}. */
@ConfigMapping(prefix = "relay.outbox")
public interface OutboxConfig {

    /** RELAY_OUTBOX_ENABLED: false stops publishing (rows are still written and wait). */
    @WithDefault("true")
    boolean enabled();

    /** How often an idle relay looks for pending rows; it is also woken right after each commit of a transition. */
    @WithDefault("200ms")
    Duration pollInterval();

    /** At most this many rows (each the oldest pending row of its order) per claim. */
    @WithDefault("500")
    int batchSize();

    /**
     * Claim-send-acknowledge cycles running at once on this replica: the next batch is claimed while the previous one
     * waits for the broker's acknowledgements (per-order order holds as between replicas). 1 = one cycle at a time.
     */
    @WithDefault("2")
    int concurrentBatches();

    /** Longest wait between attempts while the broker fails (doubling from the poll interval). */
    @WithDefault("5s")
    Duration maxBackoff();

    /** Producer delivery.timeout.ms: a record not acknowledged within it fails and its row is retried. */
    @WithDefault("30s")
    Duration deliveryTimeout();

    /** Sent (and skipped) rows are deleted this long after they left the line. */
    @WithDefault("7d")
    Duration retention();

    /** How often sent (and skipped) rows past retention are pruned; parked rows and rows in line never are. */
    @WithDefault("1h")
    String pruneEvery();

    /** The first prune runs this long after start (then every {@link #pruneEvery()}). */
    @WithDefault("1m")
    String pruneDelay();

    /** The "Kafka outbox" wellness check (not readiness) is DOWN when the oldest publishable row is older than this. */
    @WithDefault("5m")
    Duration maxPendingAge();

    /** How often the backlog gauges are refreshed from the database. */
    @WithDefault("5s")
    String statsEvery();
}
