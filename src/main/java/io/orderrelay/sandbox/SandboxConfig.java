package io.orderrelay.sandbox;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Configuration of the upstream simulator (dev and test builds only; every value has a default). */
@ConfigMapping(prefix = "relay.sandbox")
public interface SandboxConfig {

    /** Orders advance one step along their path this often; 0 disables auto-advance (the test default). */
    @WithDefault("0s")
    Duration advanceEvery();

    /** How many upstream requests the in-memory request log keeps (oldest dropped first). */
    @WithDefault("10000")
    int requestLogSize();

    /** HTTP status of a successful POST /v5/orders (upstream does not document it: 200 or 201). */
    @WithDefault("200")
    int createStatus();

    /** MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED above this total face value (USD equivalent). */
    @WithDefault("2000")
    java.math.BigDecimal maxOrderAmount();
}
