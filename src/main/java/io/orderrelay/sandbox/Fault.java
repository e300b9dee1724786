package io.orderrelay.sandbox;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A fault the sandbox injects into matching upstream requests. JSON (snake_case) as posted to
 * {@code /sandbox/control/faults}; the Java factories below build the same thing for tests in the same JVM.
 *
 * @param id assigned by the sandbox
 * @param kind what to do
 * @param orderId only requests or streams of this order (else any)
 * @param pathPrefix only upstream paths starting with this (e.g. {@code /v5/orders}; without {@code /sandbox})
 * @param method only this HTTP method (else any)
 * @param times how many requests or streams it applies to: default 1, -1 forever
 * @param status http_status, subscribe_status, create_fail_after_create: the status to answer
 * @param retryAfter http_status: Retry-After seconds
 * @param bodyShape http_status, subscribe_status, create_fail_after_create: {@code status} (default,
 *        {@code {"status","detail","moreDetails"}}) or {@code message} ({@code {"message"}})
 * @param delayMs delay, create_timeout: milliseconds before answering
 * @param afterMessages drop_stream: messages sent before the stream is cut (default 1)
 * @param variants malformed_message: {@code invalid_json}, {@code missing_state}, {@code other_order},
 *        {@code numeric_state} (default all four)
 * @param reset create_fail_after_create: reset the connection instead of answering a status
 */
public record Fault(String id, Kind kind, String orderId, String pathPrefix, String method, Integer times, Integer status,
        Integer retryAfter, String bodyShape, Long delayMs, Integer afterMessages, List<String> variants, Boolean reset) {

    public enum Kind {
        HTTP_STATUS, DELAY, SUBSCRIBE_STATUS, DROP_STREAM, DUPLICATE_MESSAGES, STALE_MESSAGE, MALFORMED_MESSAGE,
        EARLY_STOP, CREATE_TIMEOUT, CREATE_FAIL_AFTER_CREATE, STRING_TIMESTAMPS;

        @JsonValue
        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Kind of(String value) {
            try {
                return valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("unknown fault kind " + value + "; known: "
                        + java.util.Arrays.stream(values()).map(Kind::json).toList());
            }
        }

        /** Faults consumed once per subscribe stream. */
        boolean streamKind() {
            return switch (this) {
                case DROP_STREAM, DUPLICATE_MESSAGES, STALE_MESSAGE, MALFORMED_MESSAGE, EARLY_STOP, STRING_TIMESTAMPS -> true;
                default -> false;
            };
        }
    }

    public static final List<String> MALFORMED_VARIANTS = List.of("invalid_json", "missing_state", "other_order",
            "numeric_state");

    public static Fault of(Kind kind) {
        return new Fault(null, kind, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static Fault httpStatus(int status) {
        return of(Kind.HTTP_STATUS).withStatus(status);
    }

    public static Fault delay(long delayMs) {
        return of(Kind.DELAY).withDelayMs(delayMs);
    }

    public static Fault subscribeStatus(int status) {
        return of(Kind.SUBSCRIBE_STATUS).withStatus(status);
    }

    public static Fault dropStream(int afterMessages) {
        return new Fault(null, Kind.DROP_STREAM, null, null, null, null, null, null, null, null, afterMessages, null, null);
    }

    public static Fault createTimeout(long delayMs) {
        return of(Kind.CREATE_TIMEOUT).withDelayMs(delayMs);
    }

    public static Fault createFailAfterCreate(int status) {
        return of(Kind.CREATE_FAIL_AFTER_CREATE).withStatus(status);
    }

    public static Fault createResetAfterCreate() {
        return new Fault(null, Kind.CREATE_FAIL_AFTER_CREATE, null, null, null, null, null, null, null, null, null, null, true);
    }

    public Fault forOrder(String orderId) {
        return new Fault(id, kind, orderId, pathPrefix, method, times, status, retryAfter, bodyShape, delayMs, afterMessages,
                variants, reset);
    }

    public Fault onPath(String method, String pathPrefix) {
        return new Fault(id, kind, orderId, pathPrefix, method, times, status, retryAfter, bodyShape, delayMs, afterMessages,
                variants, reset);
    }

    public Fault times(int times) {
        return new Fault(id, kind, orderId, pathPrefix, method, times, status, retryAfter, bodyShape, delayMs, afterMessages,
                variants, reset);
    }

    public Fault withStatus(int status) {
        return new Fault(id, kind, orderId, pathPrefix, method, times, status, retryAfter, bodyShape, delayMs, afterMessages,
                variants, reset);
    }

    public Fault withRetryAfter(int seconds) {
        return new Fault(id, kind, orderId, pathPrefix, method, times, status, seconds, bodyShape, delayMs, afterMessages,
                variants, reset);
    }

    public Fault withBodyShape(String shape) {
        return new Fault(id, kind, orderId, pathPrefix, method, times, status, retryAfter, shape, delayMs, afterMessages,
                variants, reset);
    }

    public Fault withDelayMs(long ms) {
        return new Fault(id, kind, orderId, pathPrefix, method, times, status, retryAfter, bodyShape, ms, afterMessages,
                variants, reset);
    }

    public Fault withVariants(List<String> variants) {
        return new Fault(id, kind, orderId, pathPrefix, method, times, status, retryAfter, bodyShape, delayMs, afterMessages,
                variants, reset);
    }

    Fault withId(String id) {
        return new Fault(id, kind, orderId, pathPrefix, method, times, status, retryAfter, bodyShape, delayMs, afterMessages,
                variants, reset);
    }

    /** Fills the kind's defaults and rejects what cannot work; the message is for the control API caller. */
    Fault normalized() {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
        int t = times == null ? 1 : times;
        if (t == 0 || t < -1) {
            throw new IllegalArgumentException("times must be positive or -1 (forever)");
        }
        Integer s = status;
        if (s == null && (kind == Kind.HTTP_STATUS || kind == Kind.SUBSCRIBE_STATUS || kind == Kind.CREATE_FAIL_AFTER_CREATE)) {
            s = 503;
        }
        if (s != null && (s < 100 || s > 599)) {
            throw new IllegalArgumentException("status must be an HTTP status");
        }
        Long d = delayMs;
        if (d == null && kind == Kind.DELAY) {
            d = 2000L;
        }
        if (d == null && kind == Kind.CREATE_TIMEOUT) {
            d = 15000L;
        }
        if (d != null && (d < 0 || d > 600_000)) {
            throw new IllegalArgumentException("delay_ms must be between 0 and 600000");
        }
        Integer after = afterMessages == null && kind == Kind.DROP_STREAM ? Integer.valueOf(1) : afterMessages;
        List<String> v = variants;
        if (kind == Kind.MALFORMED_MESSAGE) {
            v = v == null || v.isEmpty() ? MALFORMED_VARIANTS : v;
            for (String x : v) {
                if (!MALFORMED_VARIANTS.contains(x)) {
                    throw new IllegalArgumentException("unknown variant " + x + "; known: " + MALFORMED_VARIANTS);
                }
            }
        }
        String shape = bodyShape == null ? "status" : bodyShape;
        if (!shape.equals("status") && !shape.equals("message")) {
            throw new IllegalArgumentException("body_shape must be status or message");
        }
        return new Fault(id, kind, orderId, pathPrefix, method == null ? null : method.toUpperCase(Locale.ROOT), t, s,
                retryAfter, shape, d, after, v, reset == null ? Boolean.FALSE : reset);
    }
}
