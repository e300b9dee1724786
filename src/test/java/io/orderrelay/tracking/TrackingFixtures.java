package io.orderrelay.tracking;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.restassured.path.json.JsonPath;

/** Orders placed through /v1/orders against the sandbox, and checks of their recorded transitions. */
final class TrackingFixtures {

    static final Duration WAIT = Duration.ofSeconds(20);

    /** The default sandbox path as we record it: Submitting, then the create answer, then each advance. */
    static final List<String> FULL_PATH = List.of("Submitting", "WaitingForPayment", "PaymentReceived",
            "WaitingForDelivery", "Done");

    record Placed(UUID id, String upstreamId) {
    }

    private TrackingFixtures() {
    }

    static Placed place() {
        JsonPath body = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(201).extract().jsonPath();
        return new Placed(UUID.fromString(body.getString("id")), body.getString("upstream_order_id"));
    }

    static String state(UUID id) {
        return Api.given().get("/v1/orders/" + id).then().statusCode(200).extract().path("state");
    }

    static JsonPath transitions(UUID id) {
        return Api.given().get("/v1/orders/" + id + "/transitions").then().statusCode(200).extract().jsonPath();
    }

    static void awaitState(UUID id, String state) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> state.equals(state(id)));
    }

    /** Advances upstream one step and waits until we recorded it. */
    static void advanceAndAwait(SandboxControl sandbox, Placed order) {
        String next = sandbox.remainingPath(order.upstreamId()).get(0);
        sandbox.advance(order.upstreamId());
        awaitState(order.id(), next);
    }

    /** Drives the order along the default path to Done, one recorded step at a time. */
    static void driveToDone(SandboxControl sandbox, Placed order) {
        while (!sandbox.remainingPath(order.upstreamId()).isEmpty()) {
            advanceAndAwait(sandbox, order);
        }
    }

    /** Exactly these states, numbered 1..n without gap or duplicate, each from the previous one. */
    static JsonPath assertTransitions(UUID id, List<String> states) {
        JsonPath t = transitions(id);
        assertEquals(states, t.getList("items.to_state"), "states of order " + id);
        assertEquals(IntStream.rangeClosed(1, states.size()).boxed().toList(), t.getList("items.sequence"));
        for (int i = 1; i < states.size(); i++) {
            assertEquals(states.get(i - 1), t.getString("items[" + i + "].from_state"));
        }
        return t;
    }

    /** Sources of the transitions after the create (sequence 3 onwards). */
    static List<String> trackedSources(UUID id) {
        List<String> sources = transitions(id).getList("items.source");
        return sources.subList(2, sources.size());
    }
}
