package io.orderrelay.tracking;

import static io.orderrelay.tracking.TrackingFixtures.WAIT;
import static io.orderrelay.tracking.TrackingFixtures.place;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import io.orderrelay.sandbox.Fault;
import io.orderrelay.tracking.TrackingFixtures.Placed;
import io.orderrelay.upstream.UpstreamLimits;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Upstream sends an order with a field over its limit (or NUL characters) on the stream and in poll answers: the
 * payload is counted as invalid and nothing of it is stored, while the other orders move on.
 */
@QuarkusTest
class UpstreamPayloadLimitsIT {

    private static final Duration QUIET = Duration.ofSeconds(2);

    @Inject
    TrackingRig rig;

    @AfterEach
    void clearFaults() {
        rig.sandbox.clearFaults();
    }

    @Test
    void aStreamMessageOverTheLimitsIsCountedAndIgnoredWhileOtherOrdersMoveOn() {
        Placed hostile = place();
        Placed healthy = place();
        await().atMost(WAIT).until(() -> rig.sandbox.subscriberCount(hostile.upstreamId()) == 1
                && rig.sandbox.subscriberCount(healthy.upstreamId()) == 1);
        double before = rig.metrics.invalidPayloads();

        rig.sandbox.setState(hostile.upstreamId(), "WaitingForPayment" + "X".repeat(200));
        await().atMost(WAIT).until(() -> rig.metrics.invalidPayloads() >= before + 1);
        rig.sandbox.setState(hostile.upstreamId(), "Paid\u0000Now");
        await().atMost(WAIT).until(() -> rig.metrics.invalidPayloads() >= before + 2);
        TrackingFixtures.advanceAndAwait(rig.sandbox, healthy);

        await().during(QUIET).atMost(QUIET.multipliedBy(3))
                .until(() -> TrackingFixtures.transitions(hostile.id()).getList("items").size() == 2);
        TrackingFixtures.assertTransitions(hostile.id(), List.of("Submitting", "WaitingForPayment"));
        // still followed: its next valid state is recorded
        rig.sandbox.setState(hostile.upstreamId(), "PaymentReceived");
        TrackingFixtures.awaitState(hostile.id(), "PaymentReceived");
        TrackingFixtures.assertTransitions(healthy.id(), List.of("Submitting", "WaitingForPayment", "PaymentReceived"));
    }

    @Test
    void aPollAnswerOverTheLimitsIsCountedAndIgnored() {
        Placed polled = rig.placeWithFaults(up -> List.of(Fault.subscribeStatus(503).forOrder(up).times(-1)));
        await().atMost(WAIT).until(() -> rig.tracking.tracker().heldOrders().contains(polled.id()));
        double before = rig.metrics.invalidPayloads();

        // over the whole-snapshot limit, and its state over the field limit
        rig.sandbox.setState(polled.upstreamId(), "S".repeat(UpstreamLimits.MAX_SNAPSHOT_CHARS + 1));
        await().atMost(WAIT).until(() -> rig.metrics.invalidPayloads() >= before + 1);
        await().during(QUIET).atMost(QUIET.multipliedBy(3))
                .until(() -> TrackingFixtures.transitions(polled.id()).getList("items").size() == 2);

        rig.sandbox.setState(polled.upstreamId(), "PaymentReceived");
        TrackingFixtures.awaitState(polled.id(), "PaymentReceived");
        assertEquals(List.of("poll"), TrackingFixtures.trackedSources(polled.id()));
    }
}
