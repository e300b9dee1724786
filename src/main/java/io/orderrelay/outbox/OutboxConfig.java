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

    /** Longest wait between attempts while the broker fails (doubling from the poll interval). */
    @WithDefault("5s")
    Duration maxBackoff();

    /** Producer delivery.timeout.ms: a record not acknowledged within it fails and its row is retried. */
    @WithDefault("30s")
    Duration deliveryTimeout();

    /** Sent rows are deleted after this. */
    @WithDefault("7d")
    Duration retention();

    /** How often sent rows past retention are pruned. */
    @WithDefault("1h")
    String pruneEvery();

    /** Readiness is DOWN when the oldest pending row is older than this. */
    @WithDefault("5m")
    Duration maxPendingAge();

    /** How often the backlog gauges are refreshed from the database. */
    @WithDefault("5s")
    String statsEvery();
}
