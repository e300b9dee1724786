package io.orderrelay.tracking;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.orderrelay.order.Observation;
import io.orderrelay.tracing.Traceparents;

/**
 * Each upstream observation (stream message, poll or reconcile answer) starts a trace of its own: the transition it
 * causes stores its context, so the Kafka publish and the webhook attempts of that transition are spans of it. The
 * observation span itself marks the receipt (it ends at once; applying happens later, in a batch of many orders).
 */
@ApplicationScoped
public class ObservationTraces {

    private final Tracer tracer;

    public ObservationTraces(Tracer tracer) {
        this.tracer = tracer;
    }

    Observation traced(UUID orderId, Observation observation) {
        Span span = tracer.spanBuilder("order observation").setNoParent().setSpanKind(SpanKind.CONSUMER)
                .setAttribute("order.id", orderId.toString())
                .setAttribute("order.state", observation.state())
                .setAttribute("order.observation.source", observation.source().wire())
                .startSpan();
        span.end();
        return observation.withTraceparent(Traceparents.of(span.getSpanContext()));
    }
}
