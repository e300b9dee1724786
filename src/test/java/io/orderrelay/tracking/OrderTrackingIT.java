package io.orderrelay.tracking;

import static io.orderrelay.tracking.TrackingFixtures.FULL_PATH;
import static io.orderrelay.tracking.TrackingFixtures.WAIT;
import static io.orderrelay.tracking.TrackingFixtures.assertTransitions;
import static io.orderrelay.tracking.TrackingFixtures.driveToDone;
import static io.orderrelay.tracking.TrackingFixtures.place;
import static io.orderrelay.tracking.TrackingFixtures.trackedSources;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import io.orderrelay.sandbox.Fault;
import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.tracking.TrackingFixtures.Placed;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One order at a time through each upstream fault: it always ends with exactly the transitions it went through. */
@QuarkusTest
class OrderTrackingIT {

    private static final Set<String> PUSHED = Set.of("stream", "reconcile");

    @Inject
    SandboxControl sandbox;

    @Inject
    TrackingService tracking;

    @Inject
    TrackingMetrics metrics;

    @AfterEach
    void clearFaults() {
        sandbox.clearFaults();
    }

    /**
     * Places an order while this replica's tracker is stopped, so that the faults are in place before its stream is
     * first opened, then starts tracking again.
     */
    private Placed placeWithFaults(java.util.function.Function<String, List<Fault>> faults) {
        tracking.tracker().stop();
        try {
            Placed order = place();
            faults.apply(order.upstreamId()).forEach(sandbox::addFault);
            return order;
        } finally {
            tracking.restart();
        }
    }

    private void awaitFollowed(Placed order) {
        await().atMost(WAIT).until(() -> sandbox.subscriberCount(order.upstreamId()) == 1);
    }

    private void awaitReleased(Placed order) {
        await().atMost(WAIT).until(() -> sandbox.subscriberCount(order.upstreamId()) == 0
                && !tracking.tracker().heldOrders().contains(order.id()));
    }

    @Test
    void followsAnOrderOverItsStreamUntilDoneThenLetsItGo() {
        Placed order = place();
        awaitFollowed(order);
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        assertEquals(List.of("stream", "stream", "stream"), trackedSources(order.id()));
        awaitReleased(order);
    }

    @Test
    void reconnectsAfterDroppedStreamsWithoutMissingOrRepeatingAState() {
        Placed order = placeWithFaults(up -> List.of(Fault.dropStream(1).forOrder(up).times(-1)));
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        awaitReleased(order);
    }

    @Test
    void recordsDuplicatedMessagesOnce() {
        Placed order = placeWithFaults(up -> List.of(Fault.of(Fault.Kind.DUPLICATE_MESSAGES).forOrder(up).times(-1)));
        awaitFollowed(order);
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        assertTrue(PUSHED.containsAll(trackedSources(order.id())));
    }

    @Test
    void ignoresStaleMessages() {
        Placed order = placeWithFaults(up -> List.of(Fault.of(Fault.Kind.STALE_MESSAGE).forOrder(up).times(-1)));
        awaitFollowed(order);
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
    }

    @Test
    void countsAndIgnoresMalformedMessagesIncludingAnotherOrdersDone() {
        double before = metrics.invalidPayloads();
        Placed order = placeWithFaults(up -> List.of(Fault.of(Fault.Kind.MALFORMED_MESSAGE).forOrder(up).times(-1)));
        await().atMost(WAIT).until(() -> metrics.invalidPayloads() >= before + 4);
        assertEquals("WaitingForPayment", TrackingFixtures.state(order.id()), "another order's Done must not end it");
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
    }

    @Test
    void keepsFollowingWhenStopComesButTheOrderIsNotTerminal() {
        Placed order = placeWithFaults(up -> List.of(Fault.of(Fault.Kind.EARLY_STOP).forOrder(up).times(-1)));
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        awaitReleased(order);
    }

    @Test
    void finishesByPollingWhenTheStreamNeverWorks() {
        Placed order = placeWithFaults(up -> List.of(Fault.subscribeStatus(503).forOrder(up).times(-1)));
        await().atMost(WAIT).until(() -> tracking.tracker().heldOrders().contains(order.id()));
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        assertEquals(List.of("poll", "poll", "poll"), trackedSources(order.id()));
        awaitReleased(order);
    }

    @Test
    void pollsWhileSubscribeAnswers502ThenGoesBackToTheStream() {
        Placed order = placeWithFaults(up -> List.of(Fault.subscribeStatus(502).forOrder(up).times(3)));
        TrackingFixtures.advanceAndAwait(sandbox, order);
        await().atMost(WAIT).until(() -> sandbox.subscriberCount(order.upstreamId()) == 1);
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
    }

    @Test
    void respectsRateLimitsOnGetAndStillFinishes() {
        Placed order = placeWithFaults(up -> List.of(Fault.subscribeStatus(503).forOrder(up).times(-1),
                Fault.httpStatus(429).withRetryAfter(1).onPath("GET", "/v5/orders/" + up)
                .forOrder(up).times(4)));
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        assertEquals(List.of("poll", "poll", "poll"), trackedSources(order.id()));
    }

    @Test
    void copesWithSlowAnswers() {
        Placed order = placeWithFaults(up -> List.of(Fault.delay(1500).forOrder(up).times(-1)));
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        awaitReleased(order);
    }

    @Test
    void neverLeavesATerminalStateAndStoresUnknownStates() {
        Placed order = place();
        awaitFollowed(order);
        sandbox.setState(order.upstreamId(), "BrandNewState");
        TrackingFixtures.awaitState(order.id(), "BrandNewState");
        sandbox.setState(order.upstreamId(), "Expired");
        TrackingFixtures.awaitState(order.id(), "Expired");
        awaitReleased(order);
        sandbox.setState(order.upstreamId(), "Done");
        assertTransitions(order.id(), List.of("Submitting", "WaitingForPayment", "BrandNewState", "Expired"));
    }
}
