package io.orderrelay.catalog;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.orderrelay.upstream.UpstreamClient;
import io.orderrelay.upstream.UpstreamException;
import io.quarkus.logging.Log;

/**
 * A TTL cache that keeps entries past their freshness: when upstream fails, the last good answer is served
 * (marked stale) instead of an error, up to {@link CatalogConfig#maxStaleness()}.
 */
@ApplicationScoped
public class StaleWhileFailingCache {

    public record Cached(JsonNode value, Instant fetchedAt, boolean stale) {
    }

    /**
     * How fresh the catalogue is, for operators: the last answer upstream gave, the last time a stale answer stood in
     * for a failing upstream, and whether that is the latest news (upstream failing since its last good answer).
     */
    public record Freshness(long entries, Instant lastRefreshAt, Instant lastStaleAt, boolean stale) {
    }

    private final Cache<CatalogQuery, Cached> entries;
    private volatile Instant lastRefreshAt;
    private volatile Instant lastStaleAt;
    private final Clock clock;

    public StaleWhileFailingCache(CatalogConfig config, Clock clock) {
        this.clock = clock;
        this.entries = Caffeine.newBuilder()
                .maximumSize(config.maxEntries())
                .expireAfterWrite(config.maxStaleness())
                .build();
    }

    Cached get(CatalogQuery key, Duration ttl, Supplier<JsonNode> fetch) {
        Cached cached = entries.getIfPresent(key);
        if (cached != null && cached.fetchedAt().plus(ttl).isAfter(clock.instant())) {
            return cached;
        }
        try {
            Cached fresh = new Cached(fetch.get(), clock.instant(), false);
            entries.put(key, fresh);
            lastRefreshAt = fresh.fetchedAt();
            return fresh;
        } catch (RuntimeException e) {
            UpstreamException failure = UpstreamClient.failure(e);
            if (cached == null || failure instanceof UpstreamException.Refused) {
                throw failure;
            }
            Log.warnf("Catalogue %s: upstream failed (%s), serving the answer of %s", key, failure.getMessage(),
                    cached.fetchedAt());
            lastStaleAt = clock.instant();
            return new Cached(cached.value(), cached.fetchedAt(), true);
        }
    }

    public Freshness freshness() {
        Instant refreshed = lastRefreshAt;
        Instant stale = lastStaleAt;
        return new Freshness(entries.estimatedSize(), refreshed, stale,
                stale != null && (refreshed == null || stale.isAfter(refreshed)));
    }

    /** For tests and operators: forget everything. */
    public void clear() {
        entries.invalidateAll();
        lastRefreshAt = null;
        lastStaleAt = null;
    }
}
