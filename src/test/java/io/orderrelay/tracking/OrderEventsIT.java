package io.orderrelay.tracking;

import static io.orderrelay.tracking.TrackingFixtures.WAIT;
import static io.orderrelay.tracking.TrackingFixtures.advanceAndAwait;
import static io.orderrelay.tracking.TrackingFixtures.place;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.support.Api;
import io.orderrelay.support.EventContracts;
import io.orderrelay.support.SseClient;
import io.orderrelay.tracking.TrackingFixtures.Placed;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OrderEventsIT {

    private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer " + Api.ADMIN_KEY);

    @Inject
    SandboxControl sandbox;

    @Inject
    ObjectMapper mapper;

    private static String path(Placed order) {
        return "/v1/orders/" + order.id() + "/events";
    }

    private JsonNode json(String data) throws Exception {
        return mapper.readTree(data);
    }

    @Test
    void replaysFromTheFirstTransitionThenStreamsLiveOnesThenStops() throws Exception {
        Placed order = place();
        try (SseClient c = SseClient.open(path(order), AUTH)) {
            await().atMost(WAIT).until(() -> c.named("transition").size() == 2);
            assertEquals(200, c.status);
            assertTrue(c.contentType.startsWith("text/event-stream"));
            assertEquals(List.of("1", "2"), c.ids("transition"));
            JsonNode first = json(c.named("transition").get(0).data());
            assertEquals("1.0", first.get("specversion").asText());
            assertEquals("order.submitting", first.get("type").asText());
            assertEquals(order.id().toString(), first.get("subject").asText());
            assertEquals(1, first.at("/data/sequence").asInt());
            // the same envelope as on Kafka (OutboxKafkaIT): from_state present, null for the first transition
            assertTrue(first.get("data").has("from_state") && first.at("/data/from_state").isNull());

            advanceAndAwait(sandbox, order);
            await().atMost(WAIT).until(() -> c.named("transition").size() == 3);
            JsonNode live = json(c.named("transition").get(2).data());
            assertEquals("order.payment_received", live.get("type").asText());
            assertEquals("stream", live.at("/data/source").asText());
            assertEquals("WaitingForPayment", live.at("/data/from_state").asText());

            TrackingFixtures.driveToDone(sandbox, order);
            c.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(List.of("1", "2", "3", "4", "5"), c.ids("transition"));
            assertEquals("order.done", json(c.named("transition").get(4).data()).get("type").asText());
            assertTrue(c.stopped());
            assertEquals("stop", c.events.get(c.events.size() - 1).name());
            // the event ids are the transitions' stable event ids, the same as on Kafka
            List<String> eventIds = c.named("transition").stream().map(e -> {
                try {
                    return json(e.data()).get("id").asText();
                } catch (Exception ex) {
                    throw new AssertionError(ex);
                }
            }).distinct().toList();
            assertEquals(5, eventIds.size());
            for (SseClient.Event e : c.named("transition")) {
                EventContracts.require(EventContracts.ORDER_EVENT, json(e.data()), "event-stream data");
            }
            assertEquals(List.of(), c.otherLines, "only id, event, data and comment lines are sent");
        }
    }

    @Test
    void sendsOnlyLaterTransitionsAfterLastEventId() throws Exception {
        Placed order = place();
        advanceAndAwait(sandbox, order);
        try (SseClient c = SseClient.open(path(order),
                Map.of("Authorization", "Bearer " + Api.ADMIN_KEY, "Last-Event-ID", "2"))) {
            await().atMost(WAIT).until(() -> c.named("transition").size() == 1);
            assertEquals(List.of("3"), c.ids("transition"));
            advanceAndAwait(sandbox, order);
            await().atMost(WAIT).until(() -> c.named("transition").size() == 2);
            assertEquals(List.of("3", "4"), c.ids("transition"));
            // comment heartbeats keep idle connections open (every 1 s in tests, 15 s by default)
            await().atMost(WAIT).until(() -> c.comments.contains("heartbeat"));
        }
        TrackingFixtures.driveToDone(sandbox, order);
    }

    @Test
    void aFinishedOrderReplaysAndStopsAndALastEventIdAtTheEndOnlyStops() throws Exception {
        Placed order = place();
        TrackingFixtures.driveToDone(sandbox, order);
        try (SseClient c = SseClient.open(path(order), AUTH)) {
            c.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(List.of("1", "2", "3", "4", "5"), c.ids("transition"));
            assertTrue(c.stopped());
        }
        try (SseClient c = SseClient.open(path(order),
                Map.of("Authorization", "Bearer " + Api.ADMIN_KEY, "Last-Event-ID", "5"))) {
            c.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(List.of(), c.ids("transition"));
            assertTrue(c.stopped());
        }
    }

    /** A 400 problem+json naming Last-Event-ID, and the answer ends (no stream is opened). */
    private void assertLastEventIdRefused(Placed order, String lastEventId) throws Exception {
        try (SseClient c = SseClient.open(path(order),
                Map.of("Authorization", "Bearer " + Api.ADMIN_KEY, "Last-Event-ID", lastEventId))) {
            c.ended.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(400, c.status, "Last-Event-ID " + lastEventId);
            assertTrue(c.contentType.startsWith("application/problem+json"), c.contentType);
            JsonNode problem = json(String.join("", c.otherLines));
            assertEquals(400, problem.get("status").asInt());
            assertEquals("Last-Event-ID", problem.at("/errors/0/field").asText(), problem.toString());
        }
    }

    @Test
    void aMalformedLastEventIdIsAProblem() throws Exception {
        Placed order = place();
        for (String bad : List.of("x", "-1", "+2", "1.0", "0x1", "2 3", "1e3", "99999999999", "2147483648")) {
            assertLastEventIdRefused(order, bad);
        }
        // control characters cannot be sent by an HTTP client library, a plain socket can: the HTTP layer refuses
        // them in any header (a bare 400, before the application), so no stream opens
        for (String bad : List.of("1\u0000", "\u00002", "2\u0001", "3\u007f")) {
            try (RawViewer v = RawViewer.open(path(order), "Authorization: Bearer " + Api.ADMIN_KEY,
                    "Last-Event-ID: " + bad)) {
                String head = v.head(WAIT);
                assertTrue(head.startsWith("HTTP/1.1 400"), head);
                assertTrue(!head.toLowerCase(java.util.Locale.ROOT).contains("text/event-stream"), head);
            }
        }
        // a tab is legal in a header value: it reaches us, and is no sequence
        try (RawViewer v = RawViewer.open(path(order), "Authorization: Bearer " + Api.ADMIN_KEY,
                "Last-Event-ID: 2\t3")) {
            String head = v.head(WAIT);
            assertTrue(head.startsWith("HTTP/1.1 400"), head);
            assertTrue(head.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/problem+json"), head);
        }
        TrackingFixtures.driveToDone(sandbox, order);
    }

    @Test
    void aLastEventIdPastTheOrdersLastTransitionIsAProblemRatherThanAStreamThatWaitsForever() throws Exception {
        Placed order = place(); // transitions 1 and 2, still open
        for (String past : List.of("3", "40", "2147483647")) {
            assertLastEventIdRefused(order, past);
        }
        // at the end exactly: nothing to replay, live events follow
        try (SseClient c = SseClient.open(path(order),
                Map.of("Authorization", "Bearer " + Api.ADMIN_KEY, "Last-Event-ID", "2"))) {
            await().atMost(WAIT).until(() -> c.comments.contains("heartbeat"));
            assertEquals(200, c.status);
            assertEquals(List.of(), c.ids("transition"));
            advanceAndAwait(sandbox, order);
            await().atMost(WAIT).until(() -> c.ids("transition").equals(List.of("3")));
        }
        TrackingFixtures.driveToDone(sandbox, order);
        assertLastEventIdRefused(order, "6");
    }

    @Test
    void answersProblemsForUnknownOrdersBadIdsMissingKeysAndOtherPartners() {
        Api.given().get("/v1/orders/" + java.util.UUID.randomUUID() + "/events").then().statusCode(404);
        Api.given().get("/v1/orders/nope/events").then().statusCode(400);
        Placed order = place();
        Api.given().header("Last-Event-ID", "x").get(path(order)).then().statusCode(400)
                .body("errors[0].field", equalTo("Last-Event-ID"));
        io.restassured.RestAssured.given().get(path(order)).then().statusCode(401);
        String otherPartner = io.orderrelay.security.TestKeys.key("events-other", "someone-else",
                io.orderrelay.security.Scopes.ORDERS_READ);
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + otherPartner).get(path(order))
                .then().statusCode(404);
        String noScope = io.orderrelay.security.TestKeys.key("events-no-scope", null, io.orderrelay.security.Scopes.ORDERS_WRITE);
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + noScope).get(path(order))
                .then().statusCode(403);
        TrackingFixtures.driveToDone(sandbox, order);
    }
}
