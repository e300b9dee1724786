package io.orderrelay.security;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Throttling of failed authentications per client address (env RELAY_AUTH_THROTTLE_*). */
@ConfigMapping(prefix = "relay.auth-throttle")
public interface AuthThrottleConfig {

    /** RELAY_AUTH_THROTTLE_MAX_FAILURES: failed authentications an address may make in a burst. */
    @WithDefault("20")
    int maxFailures();

    /** RELAY_AUTH_THROTTLE_WINDOW: time in which the allowance refills entirely (gradually). */
    @WithDefault("1m")
    Duration window();

    /** RELAY_AUTH_THROTTLE_MAX_ADDRESSES: addresses tracked at once per replica (least recently failing dropped). */
    @WithDefault("100000")
    long maxAddresses();
}
