package io.orderrelay.tracking;

import java.util.List;
import java.util.function.Function;

import jakarta.inject.Singleton;

import io.orderrelay.sandbox.Fault;
import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.tracking.TrackingFixtures.Placed;

/** The sandbox upstream and this replica's tracker, as the tracking tests drive them (a test bean). */
@Singleton
class TrackingRig {

    final SandboxControl sandbox;
    final TrackingService tracking;
    final TrackingMetrics metrics;

    TrackingRig(SandboxControl sandbox, TrackingService tracking, TrackingMetrics metrics) {
        this.sandbox = sandbox;
        this.tracking = tracking;
        this.metrics = metrics;
    }

    /**
     * Places an order while this replica's tracker is stopped, so that the faults ({@code faults} gets the upstream
     * order id) are in place before its stream is first opened, then starts tracking again.
     */
    Placed placeWithFaults(Function<String, List<Fault>> faults) {
        tracking.tracker().stop();
        try {
            Placed order = TrackingFixtures.place();
            faults.apply(order.upstreamId()).forEach(sandbox::addFault);
            return order;
        } finally {
            tracking.restart();
        }
    }
}
