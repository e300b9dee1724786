package io.orderrelay.webhook;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Dispatcher tuning (RELAY_WEBHOOK_DISPATCHER_*). The contract settings (retry schedule, private targets, http)
 * are in {@link io.orderrelay.config.RelayConfig.Webhook}.
 */
@ConfigMapping(prefix = "relay.webhook.dispatcher")
public interface WebhookSettings {

    /** Off: this replica sends nothing (deliveries are still written). */
    @WithDefault("true")
    boolean enabled();

    /** How often an idle dispatcher looks for due deliveries; a commit that adds deliveries wakes it at once. */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * Requests in flight on this replica, all endpoints together: 16 endpoints hanging at once hold them all (each
     * holds at most {@link #maxInFlightPerEndpoint()}).
     */
    @WithDefault("1024")
    int maxInFlight();

    /**
     * Requests in flight to one endpoint, all replicas together: a hanging endpoint holds at most this many, a
     * healthy one gets this much concurrency (many orders at once; one order's events still go one at a time).
     */
    @WithDefault("64")
    int maxInFlightPerEndpoint();

    /** A claimed delivery is this replica's for this long; after it another replica may take it over. */
    @WithDefault("60s")
    Duration lease();

    /** No answer within this time is a failed attempt. */
    @WithDefault("10s")
    Duration timeout();

    /** An endpoint whose every attempt failed for this long is disabled. */
    @WithDefault("5d")
    Duration disableAfter();

    /** How long a rotated-out secret keeps signing beside the new one. */
    @WithDefault("24h")
    Duration previousSecretOverlap();

    /** Bytes of an answer kept in the attempt log. */
    @WithDefault("512")
    int responseExcerptBytes();
}
