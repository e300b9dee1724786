package io.orderrelay.tracking;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Tracking of open orders (env RELAY_TRACKING_*). */
@ConfigMapping(prefix = "relay.tracking")
public interface TrackingConfig {

    /** Off: this replica follows no order (it still serves /v1/orders/{id}/events). */
    @WithDefault("true")
    boolean enabled();

    /** How long a claim on an order lasts without renewal; a dead replica's orders are taken over after it. */
    @WithDefault("30s")
    Duration leaseDuration();

    /** How often held leases are renewed; well under the lease duration. */
    @WithDefault("10s")
    Duration renewInterval();

    /** How often unclaimed open orders are looked for (new orders are also picked up when they are recorded). */
    @WithDefault("500ms")
    Duration claimInterval();

    /** Most orders claimed in one query (a starting replica ramps up in batches). */
    @WithDefault("500")
    int claimBatch();

    /** Most orders one replica follows at once. */
    @WithDefault("10000")
    int capacity();

    /**
     * Open files kept for everything but the upstream streams (database and Kafka connections, webhook deliveries,
     * API and SSE clients, jars). Each followed order holds one stream, one file descriptor: a replica whose limit
     * of open files is below {@code capacity} + this follows fewer orders (logged at start) rather than running out
     * of descriptors for everything else.
     */
    @WithDefault("2000")
    int openFilesReserve();

    /** GET /v5/orders/{id} this often while the order's stream is unavailable. */
    @WithDefault("10s")
    Duration pollInterval();

    /** GET /v5/orders/{id} this often while the stream is healthy, to catch a silently lost event. */
    @WithDefault("5m")
    Duration reconcileInterval();

    /** First reconnect delay after a stream ends or fails; doubles up to {@link #backoffMax()}, jittered. */
    @WithDefault("1s")
    Duration backoffMin();

    @WithDefault("30s")
    Duration backoffMax();

    /** Threads applying observations (the leases have a thread and a pool of their own). */
    @WithDefault("8")
    int workerThreads();

    /**
     * Most observations waiting for a worker. When it is full, a subscriber with an observation to apply stops reading
     * its stream until there is room: upstream's data waits in the connection, not in memory.
     */
    @WithDefault("2000")
    int observationQueue();

    /** Most observations (of as many orders) applied in one transaction: a wave of changes is group-committed. */
    @WithDefault("50")
    int observationBatch();

    /** An order still Submitting after this long (a crash before the create answer) becomes SubmissionUncertain. */
    @WithDefault("5m")
    Duration submittingTimeout();

    /** How often the stuck-Submitting sweep runs. */
    @WithDefault("30s")
    Duration submittingSweepInterval();

    /** /v1/orders/{id}/events: comment heartbeat interval. */
    @WithDefault("15s")
    Duration eventsHeartbeat();

    /** /v1/orders/{id}/events: how often the database is checked for transitions written by other replicas. */
    @WithDefault("1s")
    Duration eventsPollInterval();
}
