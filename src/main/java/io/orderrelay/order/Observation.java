package io.orderrelay.order;

import io.orderrelay.upstream.UpstreamOrder;

/**
 * A state seen for an order, with the upstream snapshot it came in (null for local states).
 *
 * @param observedAt when we received it, for the message-to-commit latency metric
 */
public record Observation(String state, UpstreamOrder snapshot, TransitionSource source, java.time.Instant observedAt) {

    public static Observation local(String state, TransitionSource source) {
        return new Observation(state, null, source, java.time.Instant.now());
    }

    public static Observation upstream(UpstreamOrder snapshot, TransitionSource source) {
        return new Observation(snapshot.orderState(), snapshot, source, java.time.Instant.now());
    }
}
