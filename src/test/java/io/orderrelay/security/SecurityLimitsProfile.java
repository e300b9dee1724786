package io.orderrelay.security;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Small limits so that the tests can reach them: 5 failed authentications per address and minute, a key cache of 8
 * entries, and 127.0.0.4 as the one trusted reverse proxy (its X-Forwarded-For is believed, nobody else's).
 * Also a rotated secrets key: the %test key is an old key here, so the re-seal job has work. One profile for these
 * classes, so Quarkus starts once for all of them.
 */
public class SecurityLimitsProfile implements QuarkusTestProfile {

    static final int MAX_FAILURES = 5;
    static final int KEY_CACHE_SIZE = 8;
    static final String TRUSTED_PROXY = "127.0.0.4";
    /** The %test key of application.properties, an old key in this profile. */
    static final String OLD_SECRETS_KEY = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final String NEW_SECRETS_KEY = "q3m1VdKj0yZ8c4Jx7Qe2nT9bWfLr6sHuP5aGvC1oYiE=";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("relay.auth-throttle.max-failures", String.valueOf(MAX_FAILURES)),
                Map.entry("relay.auth-throttle.window", "1m"),
                Map.entry("quarkus.cache.caffeine.\"api-keys\".maximum-size", String.valueOf(KEY_CACHE_SIZE)),
                Map.entry("quarkus.http.proxy.proxy-address-forwarding", "true"),
                Map.entry("quarkus.http.proxy.allow-x-forwarded", "true"),
                Map.entry("quarkus.http.proxy.trusted-proxies", TRUSTED_PROXY),
                Map.entry("relay.secrets-key", NEW_SECRETS_KEY),
                Map.entry("relay.secrets-old-keys", OLD_SECRETS_KEY),
                Map.entry("relay.reseal.interval", "1s"),
                Map.entry("relay.reseal.batch-size", "2"));
    }
}
