package io.orderrelay.tracking;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of {@code GET /v1/orders/{id}/events} (env RELAY_TRACKING_EVENTS_*). */
@ConfigMapping(prefix = "relay.tracking.events")
public interface EventStreamConfig {

    /** Open streams one API key may hold on one replica; more are answered 429. */
    @WithDefault("100")
    int maxStreamsPerKey();

    /** Open streams one replica serves in all; more are answered 429. */
    @WithDefault("5000")
    int maxStreamsPerReplica();

    /**
     * Events held in memory for one viewer while its connection is busy. When they are all waiting, the viewer
     * reads nothing more from the database until its connection takes them: memory stays bounded per viewer.
     */
    @WithDefault("32")
    int bufferSize();

    /** A viewer whose connection has not taken one write for this long is disconnected (it does not read). */
    @WithDefault("30s")
    Duration writeTimeout();

    /** How often the API keys of open streams are checked again: a revoked key's streams end within it. */
    @WithDefault("10s")
    Duration keyCheckInterval();

    /** Retry-After of the 429 answered over a limit. */
    @WithDefault("5s")
    Duration retryAfter();
}
