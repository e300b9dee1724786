package io.orderrelay.tracing;

import java.util.List;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The W3C {@code traceparent} string of a trace context, as stored with a transition, its outbox row and its webhook
 * deliveries, and the context back from it (the parent of the Kafka publish and of each webhook attempt).
 */
public final class Traceparents {

    public static final String HEADER = "traceparent";

    private static final TextMapGetter<String> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of(HEADER);
        }

        @Override
        public String get(String carrier, String key) {
            return HEADER.equals(key) ? carrier : null;
        }
    };

    private Traceparents() {
    }

    /** The traceparent of the current span, or null when there is none (work outside any trace). */
    public static String current() {
        return of(Span.current().getSpanContext());
    }

    /** {@code 00-<trace id>-<span id>-<flags>}, or null for an invalid context. */
    public static String of(SpanContext span) {
        if (span == null || !span.isValid()) {
            return null;
        }
        return "00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getTraceFlags().asHex();
    }

    /** The span context a stored traceparent names (invalid when null or malformed), e.g. for a span link. */
    public static SpanContext spanContext(String traceparent) {
        return Span.fromContext(context(traceparent)).getSpanContext();
    }

    /** The context a stored traceparent names (a remote parent); the root context when null or malformed. */
    public static Context context(String traceparent) {
        if (traceparent == null) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, GETTER);
    }
}
