package io.orderrelay.security;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.orderrelay.config.RelayConfig;

/**
 * One token bucket per API key, in this replica's memory (so N replicas allow up to N times the rate; the point is
 * to stop one runaway client from starving the others, not exact global quotas). Buckets exist only for keys that
 * authenticated, so the map is bounded by the number of keys.
 */
@ApplicationScoped
public class RateLimiter {

    private final ConcurrentMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final long perSecond;
    private final long burst;

    public RateLimiter(RelayConfig config) {
        this.perSecond = config.rateLimit().requestsPerSecond();
        this.burst = config.rateLimit().burst();
        if (perSecond < 1 || burst < 1) {
            throw new IllegalStateException(
                    "RELAY_RATE_LIMIT_REQUESTS_PER_SECOND and RELAY_RATE_LIMIT_BURST must be at least 1");
        }
    }

    /** Takes one token for {@code keyId}; answers 0 when allowed, else the whole seconds to wait (at least 1). */
    public long tryAcquire(String keyId) {
        Bucket bucket = buckets.computeIfAbsent(keyId, id -> newBucket());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build();
    }
}
