package io.orderrelay.security;

import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Stored API keys: create, list, revoke, and the (cached) lookup by hash used on every request. */
@ApplicationScoped
public class ApiKeyStore {

    static final String CACHE = "api-keys";
    private static final TimeBasedEpochGenerator UUID_V7 = Generators.timeBasedEpochGenerator();

    private final Cache cache;
    private final Clock clock;
    private final Counter foundLookups;
    private final Counter absentLookups;

    public ApiKeyStore(@CacheName(CACHE) Cache cache, MeterRegistry registry, Clock clock) {
        this.cache = cache;
        this.clock = clock;
        this.foundLookups = lookups(registry, "found");
        this.absentLookups = lookups(registry, "absent");
    }

    private static Counter lookups(MeterRegistry registry, String result) {
        return Counter.builder("relay.api.key.lookups").tag("result", result)
                .description("API key lookups in the database (cache misses), by whether the key exists")
                .register(registry);
    }

    /** A new key and its stored row; the key itself exists only in the returned value. */
    public record Created(ApiKey row, String key) {
    }

    @Transactional
    public Created create(String name, List<String> scopes, String partnerId, String createdBy) {
        String key = ApiKeyMaterial.newKey();
        ApiKey row = new ApiKey();
        row.id = UUID_V7.generate();
        row.name = name;
        row.keyHash = ApiKeyMaterial.hash(key);
        row.keyPrefix = ApiKeyMaterial.displayPrefix(key);
        row.scopes = List.copyOf(new LinkedHashSet<>(scopes));
        row.partnerId = partnerId;
        // the clock ticks in microseconds, what PostgreSQL keeps: the answer equals later reads
        row.createdAt = clock.instant();
        row.createdBy = createdBy;
        row.persist();
        Log.infof("API key %s (%s) created by %s with scopes %s%s", row.id, row.keyPrefix, createdBy, row.scopes,
                partnerId == null ? "" : ", bound to a partner");
        return new Created(row, key);
    }

    @Transactional
    public List<ApiKey> list() {
        return ApiKey.list("order by createdAt desc, id desc");
    }

    @Transactional
    public Optional<ApiKey> find(UUID id) {
        return ApiKey.findByIdOptional(id);
    }

    /**
     * Revokes a key; false when there is no such key. Idempotent. The local cache entry goes at once; other
     * replicas drop theirs when it expires.
     */
    @Transactional
    public boolean revoke(UUID id, String revokedBy) {
        ApiKey row = ApiKey.findById(id);
        if (row == null) {
            return false;
        }
        if (row.revokedAt == null) {
            row.revokedAt = clock.instant();
            Log.infof("API key %s (%s) revoked by %s", row.id, row.keyPrefix, revokedBy);
        }
        cache.invalidate(row.keyHash).await().indefinitely();
        return true;
    }

    /**
     * The active key with this hash, or null. Blocking. Only keys that exist are cached: an unknown hash is looked up
     * every time and never stored, so made-up keys can neither fill the cache nor evict real keys from it (the
     * failed-authentication throttle is what keeps their lookups off the database). Lookups are counted by
     * {@code relay.api.key.lookups{result=found|absent}}.
     */
    public AuthenticatedKey findActive(String keyHash) {
        CaffeineCache keys = cache.as(CaffeineCache.class);
        CompletableFuture<AuthenticatedKey> cached = keys.getIfPresent(keyHash);
        if (cached != null) {
            return cached.join();
        }
        AuthenticatedKey found = QuarkusTransaction.joiningExisting().call(() -> ApiKey.<ApiKey>find(
                        "keyHash = ?1 and revokedAt is null", keyHash)
                .firstResultOptional()
                .map(row -> new AuthenticatedKey(row.id.toString(), row.name, Set.copyOf(row.scopes), row.partnerId))
                .orElse(null));
        (found == null ? absentLookups : foundLookups).increment();
        if (found != null) {
            keys.put(keyHash, CompletableFuture.completedFuture(found));
        }
        return found;
    }
}
