package io.orderrelay.tracking;

import static io.orderrelay.tracking.TrackingFixtures.WAIT;
import static io.orderrelay.tracking.TrackingFixtures.advanceAndAwait;
import static io.orderrelay.tracking.TrackingFixtures.place;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.security.Scopes;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.orderrelay.support.SseClient;
import io.orderrelay.tracking.TrackingFixtures.Placed;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Limits of GET /v1/orders/{id}/events. The %test profile allows 3 streams per key and 12 per replica, a write
 * deadline of 2 s and re-checks the keys of open streams every 300 ms.
 */
@QuarkusTest
class EventStreamLimitsIT {

    private static final int PER_KEY = 3;
    private static final int PER_REPLICA = 12;

    @Inject
    SandboxControl sandbox;

    @Inject
    OrderEventFeed feed;

    @Inject
    ObjectMapper mapper;

    @BeforeEach
    void noStreamLeftByAnotherTest() {
        await().atMost(WAIT).until(() -> feed.viewerCount() == 0);
    }

    private static String path(Placed order) {
        return "/v1/orders/" + order.id() + "/events";
    }

    private static Map<String, String> auth(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    private static String readerKey(String name) {
        return TestKeys.key(name, null, Scopes.ORDERS_READ);
    }

    /** A stream that is open and has replayed the order's first two transitions. */
    private static SseClient streaming(Placed order, String key) {
        SseClient c = SseClient.open(path(order), auth(key));
        try {
            await().atMost(WAIT).until(() -> c.named("transition").size() >= 2);
            assertEquals(200, c.status);
            return c;
        } catch (RuntimeException | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /** 429 problem+json with Retry-After, and no stream. */
    private void assertRefused(Placed order, String key) throws Exception {
        try (SseClient c = SseClient.open(path(order), auth(key))) {
            c.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(429, c.status);
            assertTrue(c.contentType.startsWith("application/problem+json"), c.contentType);
            long retryAfter = Long.parseLong(c.headers.firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
            JsonNode problem = mapper.readTree(String.join("", c.otherLines));
            assertEquals(429, problem.get("status").asInt());
            assertEquals(path(order), problem.get("instance").asText());
        }
    }

    @Test
    void aKeyOverItsStreamLimitGets429WithRetryAfterAndAClosedStreamFreesItsSlot() throws Exception {
        Placed order = place();
        String key = readerKey("events-per-key");
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_KEY; i++) {
                open.add(streaming(order, key));
            }
            assertRefused(order, key);
            // other keys are not held back by this one
            try (SseClient other = streaming(order, Api.ADMIN_KEY)) {
                assertEquals(200, other.status);
            }
            // the client goes away: its slot is free again
            open.remove(0).close();
            await().atMost(WAIT).until(() -> feed.viewerCount() == PER_KEY - 1);
            open.add(streaming(order, key));
            assertRefused(order, key);
        } finally {
            open.forEach(SseClient::close);
        }
        TrackingFixtures.driveToDone(sandbox, order);
    }

    @Test
    void aReplicaOverItsStreamLimitGets429AndTakesStreamsAgainWhenOneEnds() throws Exception {
        Placed order = place();
        List<SseClient> open = new ArrayList<>();
        try {
            for (int k = 0; k < PER_REPLICA / PER_KEY; k++) {
                String key = readerKey("events-replica-" + k);
                for (int i = 0; i < PER_KEY; i++) {
                    open.add(streaming(order, key));
                }
            }
            assertEquals(PER_REPLICA, feed.viewerCount());
            assertRefused(order, Api.ADMIN_KEY);
            open.remove(open.size() - 1).close();
            await().atMost(WAIT).until(() -> feed.viewerCount() == PER_REPLICA - 1);
            open.add(streaming(order, Api.ADMIN_KEY));
        } finally {
            open.forEach(SseClient::close);
        }
        TrackingFixtures.driveToDone(sandbox, order);
    }

    @Test
    void streamsThatStopAtTheTerminalStateFreeTheirSlots() throws Exception {
        Placed order = place();
        String key = readerKey("events-stop");
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_KEY; i++) {
                open.add(streaming(order, key));
            }
            assertRefused(order, key);
            TrackingFixtures.driveToDone(sandbox, order);
            for (SseClient c : open) {
                c.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertTrue(c.stopped());
            }
        } finally {
            open.forEach(SseClient::close);
        }
        await().atMost(WAIT).until(() -> feed.viewerCount() == 0);
        try (SseClient again = SseClient.open(path(order), auth(key))) {
            again.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, again.status);
            assertTrue(again.stopped());
        }
    }

    @Test
    void theStreamsOfARevokedKeyEndSoonWhileOtherKeysKeepStreaming() throws Exception {
        Placed order = place();
        JsonPath created = TestKeys.create("events-revoked", null, Scopes.ORDERS_READ);
        String key = created.getString("key");
        try (SseClient revoked = streaming(order, key); SseClient other = streaming(order, Api.ADMIN_KEY)) {
            Api.given().delete("/v1/api-keys/" + created.getString("id")).then().statusCode(204);
            await().atMost(Duration.ofSeconds(5)).until(revoked.ended::isDone);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !other.ended.isDone());
            advanceAndAwait(sandbox, order);
            await().atMost(WAIT).until(() -> other.ids("transition").equals(List.of("1", "2", "3")));
            await().atMost(WAIT).until(() -> feed.viewerCount() == 1);
        }
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + key).get(path(order))
                .then().statusCode(401);
        TrackingFixtures.driveToDone(sandbox, order);
    }

    @Test
    void viewersWhoseSocketsDoNotDrainAreDroppedWhileAHealthyViewerKeepsReceiving() throws Exception {
        Placed order = place();
        List<String> keys = IntStream.range(0, 3).mapToObj(i -> readerKey("events-stuck-" + i)).toList();
        List<RawViewer> stuck = new ArrayList<>();
        try (SseClient healthy = streaming(order, Api.ADMIN_KEY)) {
            for (int i = 0; i < 9; i++) {
                stuck.add(RawViewer.open(path(order), "Authorization: Bearer " + keys.get(i % keys.size())));
            }
            await().atMost(WAIT).until(() -> feed.viewerCount() == 10);
            // about 2 KB per transition: far more than the socket buffers of a viewer that does not read
            int flips = 60;
            for (int i = 0; i < flips; i++) {
                // a state not entered before (an order never enters one twice): each makes one transition
                flip(order, "Flip" + i, 3 + i);
            }
            await().atMost(WAIT).until(() -> healthy.named("transition").size() == 2 + flips);
            assertEquals(IntStream.rangeClosed(1, 2 + flips).mapToObj(String::valueOf).toList(), healthy.ids("transition"));
            // the stuck ones are dropped once a write waited longer than the deadline: no slot, no connection
            await().atMost(WAIT).until(feed::viewerCount, equalTo(1));
            for (RawViewer v : stuck) {
                assertTrue(v.closedByServer(WAIT), "the server closed the stuck viewer's connection");
            }
            advanceAndAwait(sandbox, order);
            await().atMost(WAIT).until(() -> healthy.named("transition").size() == 3 + flips);
        } finally {
            stuck.forEach(RawViewer::close);
        }
        await().atMost(WAIT).until(() -> feed.viewerCount() == 0);
        TrackingFixtures.driveToDone(sandbox, order);
    }

    /** Upstream moves the order to {@code state}; waits until it is recorded as transition {@code sequence}. */
    private void flip(Placed order, String state, int sequence) {
        sandbox.setState(order.upstreamId(), state);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> TrackingFixtures.transitions(order.id())
                .getList("items").size() == sequence);
    }
}
