package io.orderrelay.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Typed configuration of order-relay; the prod environment variable of each is RELAY_ + the upper-cased path. */
@ConfigMapping(prefix = "relay")
public interface RelayConfig {

    Upstream upstream();

    Kafka kafka();

    /** RELAY_BOOTSTRAP_ADMIN_KEY: an API key with every scope. */
    String bootstrapAdminKey();

    /** RELAY_SECRETS_KEY: base64 of 32 bytes, encrypts secrets at rest. */
    String secretsKey();

    /** RELAY_SECRETS_OLD_KEYS: comma-separated former secrets keys, still accepted for decryption after a rotation. */
    Optional<List<String>> secretsOldKeys();

    RateLimit rateLimit();

    Webhook webhook();

    /** Per API key and per replica token bucket on /v1. */
    interface RateLimit {
        /** RELAY_RATE_LIMIT_REQUESTS_PER_SECOND: sustained rate. */
        @WithDefault("50")
        int requestsPerSecond();

        /** RELAY_RATE_LIMIT_BURST: bucket size. */
        @WithDefault("100")
        int burst();
    }

    interface Upstream {
        /** RELAY_UPSTREAM_URL */
        String url();

        /** RELAY_UPSTREAM_PARTNER_ID, sent as X-Cr-Application; never logged. */
        String partnerId();

        /** RELAY_UPSTREAM_STREAM_MAX_CONNECTIONS: the SSE client's pool, one connection per followed order. */
        @WithDefault("20000")
        int streamMaxConnections();

        /** RELAY_UPSTREAM_STREAM_CONNECT_TIMEOUT */
        @WithDefault("5s")
        java.time.Duration streamConnectTimeout();
    }

    interface Kafka {
        /** RELAY_KAFKA_TOPIC */
        @WithDefault("order-transitions")
        String topic();
    }

    interface Webhook {
        /** RELAY_WEBHOOK_RETRY_SCHEDULE */
        @WithDefault("5s,5m,30m,2h,5h,10h,10h")
        String retrySchedule();

        /** RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS */
        @WithDefault("false")
        boolean allowPrivateTargets();

        /** http:// webhook URLs are refused in prod unless allowed. */
        Optional<Boolean> allowHttp();
    }
}
