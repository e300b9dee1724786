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

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.orderrelay.order.Observation;
import io.orderrelay.order.TransitionSource;
import io.orderrelay.sandbox.Fault;
import io.orderrelay.sandbox.RecordedRequest;
import io.orderrelay.tracking.TrackingFixtures.Placed;
import io.orderrelay.upstream.UpstreamOrder;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One order at a time through each upstream fault: it always ends with exactly the transitions it went through. */
@QuarkusTest
class OrderTrackingIT {

    private static final Set<String> PUSHED = Set.of("stream", "reconcile");

    @Inject
    TrackingRig rig;

    @Inject
    ObservationApplier applier;

    @AfterEach
    void clearFaults() {
        rig.sandbox.clearFaults();
    }

    private void awaitFollowed(Placed order) {
        await().atMost(WAIT).until(() -> rig.sandbox.subscriberCount(order.upstreamId()) == 1);
    }

    private void awaitReleased(Placed order) {
        await().atMost(WAIT).until(() -> rig.sandbox.subscriberCount(order.upstreamId()) == 0
                && !rig.tracking.tracker().heldOrders().contains(order.id()));
    }

    @Test
    void followsAnOrderOverItsStreamUntilDoneThenLetsItGo() {
        Placed order = place();
        awaitFollowed(order);
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        assertEquals(List.of("stream", "stream", "stream"), trackedSources(order.id()));
        awaitReleased(order);
    }

    @Test
    void reconnectsAfterDroppedStreamsWithoutMissingOrRepeatingAState() {
        Placed order = rig.placeWithFaults(up -> List.of(Fault.dropStream(1).forOrder(up).times(-1)));
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        awaitReleased(order);
    }

    @Test
    void recordsDuplicatedMessagesOnce() {
        Placed order = rig.placeWithFaults(up -> List.of(Fault.of(Fault.Kind.DUPLICATE_MESSAGES).forOrder(up).times(-1)));
        awaitFollowed(order);
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        assertTrue(PUSHED.containsAll(trackedSources(order.id())));
    }

    @Test
    void ignoresStaleMessages() {
        // every message is followed by the snapshot before it (older updated_at); the stream also opens with a
        // snapshot older than the create's answer, in a state the order never passed (Created): recording it, or any
        // other older snapshot, would show in the transitions
        Placed order = rig.placeWithFaults(up -> List.of(Fault.of(Fault.Kind.STALE_MESSAGE).forOrder(up).times(-1)));
        awaitFollowed(order);
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
    }

    @Test
    void countsAndIgnoresMalformedMessagesIncludingAnotherOrdersDone() {
        double before = rig.metrics.invalidPayloads();
        Placed order = rig.placeWithFaults(up -> List.of(Fault.of(Fault.Kind.MALFORMED_MESSAGE).forOrder(up).times(-1)));
        await().atMost(WAIT).until(() -> rig.metrics.invalidPayloads() >= before + 4);
        assertEquals("WaitingForPayment", TrackingFixtures.state(order.id()), "another order's Done must not end it");
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
    }

    @Test
    void keepsFollowingWhenStopComesButTheOrderIsNotTerminal() {
        Placed order = rig.placeWithFaults(up -> List.of(Fault.of(Fault.Kind.EARLY_STOP).forOrder(up).times(-1)));
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        awaitReleased(order);
    }

    @Test
    void finishesByPollingWhenTheStreamNeverWorks() {
        Placed order = rig.placeWithFaults(up -> List.of(Fault.subscribeStatus(503).forOrder(up).times(-1)));
        await().atMost(WAIT).until(() -> rig.tracking.tracker().heldOrders().contains(order.id()));
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        assertEquals(List.of("poll", "poll", "poll"), trackedSources(order.id()));
        awaitReleased(order);
    }

    @Test
    void pollsWhileSubscribeAnswers502ThenGoesBackToTheStream() {
        Fault[] refused = new Fault[1];
        Placed order = rig.placeWithFaults(up -> {
            refused[0] = rig.sandbox.addFault(Fault.subscribeStatus(502).forOrder(up).times(-1));
            return List.of();
        });
        TrackingFixtures.advanceAndAwait(rig.sandbox, order);
        assertEquals(List.of("poll"), trackedSources(order.id()), "the change came from a GET while subscribe failed");

        rig.sandbox.removeFault(refused[0].id());
        awaitFollowed(order);
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        assertTrue(PUSHED.contains(trackedSources(order.id()).get(2)), "back on the stream once subscribe works: "
                + trackedSources(order.id()));
    }

    @Test
    void respectsRateLimitsOnGetAndStillFinishes() {
        int limited = 4;
        Placed order = rig.placeWithFaults(up -> List.of(Fault.subscribeStatus(503).forOrder(up).times(-1),
                Fault.httpStatus(429).withRetryAfter(1).onPath("GET", "/v5/orders/" + up)
                .forOrder(up).times(limited)));
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        assertEquals(List.of("poll", "poll", "poll"), trackedSources(order.id()));

        // the fault answered 429 with Retry-After: 1 to the first GETs under /v5/orders/{id} (subscribes included);
        // after each such poll, the next poll waited at least that second (the poll interval here is 300 ms)
        String pollPath = "/v5/orders/" + order.upstreamId();
        List<RecordedRequest> gets = rig.sandbox.requests("GET", pollPath);
        int checked = 0;
        for (int i = 0; i < Math.min(limited, gets.size()); i++) {
            if (!gets.get(i).path().equals(pollPath)) {
                continue;
            }
            RecordedRequest rateLimited = gets.get(i);
            RecordedRequest next = gets.stream().skip(i + 1L).filter(r -> r.path().equals(pollPath)).findFirst()
                    .orElseThrow();
            Duration gap = Duration.between(rateLimited.time(), next.time());
            assertTrue(gap.compareTo(Duration.ofSeconds(1)) >= 0, "poll " + i + " was answered 429 with Retry-After: 1,"
                    + " the next came after " + gap.toMillis() + " ms");
            checked++;
        }
        assertTrue(checked >= 1, "no rate-limited poll among " + gets);
    }

    @Test
    void copesWithSlowAnswers() {
        Placed order = rig.placeWithFaults(up -> List.of(Fault.delay(1500).forOrder(up).times(-1)));
        driveToDone(rig.sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
        awaitReleased(order);
    }

    @Test
    void neverLeavesATerminalStateAndStoresUnknownStates() {
        Placed order = place();
        awaitFollowed(order);
        rig.sandbox.setState(order.upstreamId(), "BrandNewState");
        TrackingFixtures.awaitState(order.id(), "BrandNewState");
        rig.sandbox.setState(order.upstreamId(), "Expired");
        TrackingFixtures.awaitState(order.id(), "Expired");
        // upstream moves on after the end, with a snapshot newer than the one we hold
        rig.sandbox.setState(order.upstreamId(), "Done");
        UpstreamOrder later = UpstreamOrder.parse(rig.sandbox.order(order.upstreamId()).orElseThrow(), order.upstreamId());
        // what a follower still holding the order applies (a message racing the end, or another replica before its
        // lease ran out), through the path every tracker uses: nothing moves
        ObservationApplier.Outcome outcome = applier.apply(order.id(), Observation.upstream(later, TransitionSource.STREAM));
        assertTrue(outcome.recorded().isEmpty(), "a transition out of Expired was recorded");
        assertEquals("Expired", outcome.state());
        awaitReleased(order);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> "Expired".equals(TrackingFixtures.state(order.id())));
        assertTransitions(order.id(), List.of("Submitting", "WaitingForPayment", "BrandNewState", "Expired"));
    }
}
