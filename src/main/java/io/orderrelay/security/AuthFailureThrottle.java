package io.orderrelay.security;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.netty.util.NetUtil;

/**
 * Failed authentications per client address, in this replica's memory: an address may fail {@code maxFailures}
 * times in a burst, and then as often as the allowance refills ({@code maxFailures} per {@code window}). While it
 * has none left, every /v1 request from it is answered 429 before its key is even looked at: that is what stops a
 * guesser (a valid key from that address waits too), and what keeps a flood of made-up keys off the database.
 *
 * <p>The address is the connection's peer, or the client named by X-Forwarded-For / Forwarded when the peer is a
 * trusted proxy (quarkus.http.proxy.*: Quarkus substitutes it before authentication; an untrusted peer's headers
 * are ignored, so they cannot be used to dodge the limit). IPv6 clients are counted per /64, the block one
 * subscriber usually gets. Addresses are kept in a bounded Caffeine cache, expiring a window after their last
 * failure, so a flood of addresses cannot exhaust memory.
 */
@ApplicationScoped
public class AuthFailureThrottle {

    private final Cache<String, Bucket> failures;
    private final int maxFailures;
    private final Duration window;

    @Inject
    public AuthFailureThrottle(AuthThrottleConfig config) {
        this(config.maxFailures(), config.window(), config.maxAddresses());
    }

    AuthFailureThrottle(int maxFailures, Duration window, long maxAddresses) {
        if (maxFailures < 1 || window.isNegative() || window.isZero() || maxAddresses < 1) {
            throw new IllegalStateException("RELAY_AUTH_THROTTLE_MAX_FAILURES, _WINDOW and _MAX_ADDRESSES must be positive");
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.failures = Caffeine.newBuilder().maximumSize(maxAddresses).expireAfterAccess(window).build();
    }

    /** 0 when {@code client} may try to authenticate, else the whole seconds until it may (at least 1). */
    public long blockedFor(String client) {
        Bucket bucket = failures.getIfPresent(client);
        if (bucket == null) {
            return 0;
        }
        var probe = bucket.estimateAbilityToConsume(1);
        if (probe.canBeConsumed()) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999L));
    }

    /** Counts a failed authentication of {@code client}. */
    public void failed(String client) {
        failures.get(client, c -> newBucket()).tryConsume(1);
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(maxFailures).refillGreedy(maxFailures, window).build())
                .build();
    }

    /**
     * The key an address is counted under: the IPv4 address, or the /64 of an IPv6 one. Parsed without DNS; a
     * value that is not an IP address (a forwarded "unknown", a unix socket) is counted as it is.
     */
    static String clientKey(String host) {
        if (host == null || host.isBlank()) {
            return "unknown";
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(bare);
        if (bytes == null) {
            return bare.length() > 100 ? bare.substring(0, 100) : bare;
        }
        if (bytes.length == 16 && isV4Mapped(bytes)) {
            bytes = java.util.Arrays.copyOfRange(bytes, 12, 16);
        }
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
