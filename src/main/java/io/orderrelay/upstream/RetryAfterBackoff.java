package io.orderrelay.upstream;

import java.util.concurrent.ThreadLocalRandom;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;

/** Exponential backoff with full jitter, except that upstream's Retry-After on a 429 is honoured (capped). */
public class RetryAfterBackoff implements CustomBackoffStrategy {

    static final long MAX_RETRY_AFTER_MILLIS = 5_000;
    private long initialDelay;
    private int attempt;

    @Override
    public void init(long initialDelayInMillis) {
        this.initialDelay = initialDelayInMillis;
    }

    @Override
    public long nextDelayInMillis(Throwable cause) {
        if (cause instanceof UpstreamException.RateLimited limited && limited.retryAfterSeconds() != null) {
            return Math.min(limited.retryAfterSeconds() * 1000, MAX_RETRY_AFTER_MILLIS);
        }
        long ceiling = initialDelay << Math.min(attempt++, 6);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
