package io.orderrelay.order;

import io.orderrelay.tracing.Traceparents;
import io.orderrelay.upstream.UpstreamOrder;

/**
 * A state seen for an order, with the upstream snapshot it came in (null for local states).
 *
 * @param observedAt  when we received it, for the message-to-commit latency metric
 * @param traceparent the trace context of the work that saw it (W3C traceparent), stored with the transition it
 *                    causes; by default the current span's (the placement or resolve request), null outside a trace
 */
public record Observation(String state, UpstreamOrder snapshot, TransitionSource source, java.time.Instant observedAt,
        String traceparent) {

    public static Observation local(String state, TransitionSource source) {
        return new Observation(state, null, source, java.time.Instant.now(), Traceparents.current());
    }

    public static Observation upstream(UpstreamOrder snapshot, TransitionSource source) {
        return new Observation(snapshot.orderState(), snapshot, source, java.time.Instant.now(), Traceparents.current());
    }

    /** The same observation, caused by the work {@code traceparent} names. */
    public Observation withTraceparent(String traceparent) {
        return new Observation(state, snapshot, source, observedAt, traceparent);
    }
}
