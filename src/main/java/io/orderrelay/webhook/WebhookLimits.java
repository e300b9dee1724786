package io.orderrelay.webhook;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Bounds on the work one partner can cause (RELAY_WEBHOOK_*): endpoints per partner, replays, and how long delivery
 * rows are kept.
 */
@ConfigMapping(prefix = "relay.webhook")
public interface WebhookLimits {

    /**
     * RELAY_WEBHOOK_MAX_ENDPOINTS_PER_PARTNER: a transition writes one delivery per endpoint in its own transaction,
     * so this bounds the work of every transition of the partner's orders. Disabled endpoints count.
     */
    @WithDefault("10")
    int maxEndpointsPerPartner();

    Replay replay();

    /** RELAY_WEBHOOK_RETENTION: ended deliveries (and attempts) older than this are deleted. */
    @WithDefault("14d")
    Duration retention();

    /** RELAY_WEBHOOK_PRUNE_EVERY: how often the retention is applied. */
    @WithDefault("1h")
    String pruneEvery();

    interface Replay {
        /** RELAY_WEBHOOK_REPLAY_MAX_WINDOW: {@code since} may be at most this long ago. */
        @WithDefault("7d")
        Duration maxWindow();

        /** RELAY_WEBHOOK_REPLAY_MAX_EVENTS: events one call looks at; the caller continues from {@code until}. */
        @WithDefault("1000")
        int maxEvents();
    }
}
