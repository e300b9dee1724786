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

    /**
     * What kind of unavailability, decided from the exception types of the transport (never from message text):
     * it tells a failed create that never left ({@link #NOT_SENT}) from one whose outcome is unknown.
     */
    public enum Kind {
        /** Connection refused, unknown host, connect timeout, or the circuit breaker open: upstream never saw it. */
        NOT_SENT,
        /** Sent, and no answer came in time: upstream may have acted on it. */
        TIMED_OUT,
        /** Sent, and upstream answered 5xx, or an answer that is not what was asked for. */
        BAD_ANSWER,
        /** Sent, and the connection failed some other way (reset, closed): upstream may have acted on it. */
        NO_ANSWER
    }

    /** 5xx, timeout, reset or refused connection, or the circuit breaker open; {@link #kind()} says which. */
    public static final class Unavailable extends UpstreamException {
        private final Kind kind;

        public Unavailable(int status, Kind kind, String message, Throwable cause) {
            super(status, message, cause);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }

        @Override
        public boolean definitelyNotSent() {
            return kind == Kind.NOT_SENT;
        }

        /** True when the call was sent and no answer came in time. */
        public boolean timedOut() {
            return kind == Kind.TIMED_OUT;
        }
    }
}
