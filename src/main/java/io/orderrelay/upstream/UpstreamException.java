package io.orderrelay.upstream;

/**
 * A failed upstream call, typed by what it means for the caller.
 *
 * <p>{@link #definitelyNotSent()} is true only when the request never reached upstream (connection
 * refused, circuit open): only then is a failed create known not to exist upstream.
 */
public abstract sealed class UpstreamException extends RuntimeException
        permits UpstreamException.Refused, UpstreamException.RateLimited, UpstreamException.Unavailable {

    private final int status;

    UpstreamException(int status, String message, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
    }

    /** The HTTP status upstream answered, 0 when it did not answer. */
    public int status() {
        return status;
    }

    public boolean definitelyNotSent() {
        return false;
    }

    /** Upstream answered 4xx (other than 429): the request was understood and refused. */
    public static final class Refused extends UpstreamException {
        private final String code;
        private final transient com.fasterxml.jackson.databind.JsonNode body;

        public Refused(int status, String code, com.fasterxml.jackson.databind.JsonNode body, String message) {
            super(status, message, null);
            this.code = code;
            this.body = body;
        }

        /** Upstream's error body as JSON, or null. */
        public com.fasterxml.jackson.databind.JsonNode body() {
            return body;
        }

        /** Upstream's error code or detail (e.g. LOGIN_REQUIRED), when it gave one. */
        public String code() {
            return code;
        }
    }

    /** 429: upstream asks us to slow down; {@code retryAfterSeconds} when it said how long. */
    public static final class RateLimited extends UpstreamException {
        private final Long retryAfterSeconds;

        public RateLimited(Long retryAfterSeconds) {
            super(429, "upstream rate limited the call", null);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public Long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }

    /** 5xx, timeout, reset or refused connection, or the circuit breaker open. */
    public static final class Unavailable extends UpstreamException {
        private final boolean notSent;

        public Unavailable(int status, String message, boolean notSent, Throwable cause) {
            super(status, message, cause);
            this.notSent = notSent;
        }

        @Override
        public boolean definitelyNotSent() {
            return notSent;
        }
    }
}
