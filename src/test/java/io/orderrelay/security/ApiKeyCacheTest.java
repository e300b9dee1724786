package io.orderrelay.security;

import static io.orderrelay.security.TestKeys.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Inject;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * Unknown keys can neither fill the key cache nor push the real keys out of it: only keys that exist are cached.
 * The cache holds {@link SecurityLimitsProfile#KEY_CACHE_SIZE} entries here; the database lookups are counted by
 * relay.api.key.lookups{result}.
 */
@QuarkusTest
@TestProfile(SecurityLimitsProfile.class)
class ApiKeyCacheTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    MeterRegistry registry;

    @Inject
    @CacheName(ApiKeyStore.CACHE)
    Cache cache;

    double lookups(String result) {
        var counter = registry.find("relay.api.key.lookups").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    static String randomKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return ApiKeyMaterial.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Test
    void unknownKeysAreNeverCachedAndCannotEvictAKnownKey() {
        String known = TestKeys.key("cached reader", null, Scopes.ORDERS_READ);
        ClientAddress.from("127.0.0.1").header("Authorization", bearer(known)).get("/v1/test-scoped")
                .then().statusCode(200);
        double foundBefore = lookups("found");
        double absentBefore = lookups("absent");

        // many more unknown keys than the cache holds, each from its own address (none reaches the failure limit)
        int unknown = SecurityLimitsProfile.KEY_CACHE_SIZE * 4;
        List<String> unknownHashes = new ArrayList<>();
        for (int i = 0; i < unknown; i++) {
            String key = randomKey();
            unknownHashes.add(ApiKeyMaterial.hash(key));
            ClientAddress.from("127.0.1." + (i + 1)).header("Authorization", bearer(key)).get("/v1/test-scoped")
                    .then().statusCode(401);
        }
        assertEquals(absentBefore + unknown, lookups("absent"), "each unknown key is looked up (never answered from a cache)");

        var keys = cache.as(CaffeineCache.class).keySet();
        for (String hash : unknownHashes) {
            assertFalse(keys.contains(hash), "an unknown key entered the key cache");
        }
        assertTrue(keys.contains(ApiKeyMaterial.hash(known)), "the known key was evicted");

        // and it is still served from the cache: no new database lookup
        ClientAddress.from("127.0.0.1").header("Authorization", bearer(known)).get("/v1/test-scoped")
                .then().statusCode(200);
        assertEquals(foundBefore, lookups("found"), "the known key was looked up again instead of served from the cache");
    }
}
