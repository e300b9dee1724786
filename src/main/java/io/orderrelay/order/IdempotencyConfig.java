package io.orderrelay.order;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Idempotency-Key bookkeeping (env RELAY_IDEMPOTENCY_*). */
@ConfigMapping(prefix = "relay.idempotency")
public interface IdempotencyConfig {

    /**
     * How long a key is remembered after its first request; then it is pruned and the same key is a new request.
     * Never less than 1 h, whatever is configured: a key must outlive any request still working with it.
     */
    @WithDefault("24h")
    Duration retention();

    /** How often keys past retention are pruned. */
    @WithDefault("1h")
    String pruneEvery();
}
