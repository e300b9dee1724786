package io.orderrelay.webhook;

import static io.orderrelay.webhook.WebhookFixtures.endpoint;
import static io.orderrelay.webhook.WebhookFixtures.partner;
import static io.orderrelay.webhook.WebhookFixtures.placeOrder;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import io.orderrelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bounded work per caller: endpoints per partner, replay window, one replay at a time, no double queuing. */
@QuarkusTest
class WebhookLimitsIT {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    DataSource db;

    @Inject
    WebhookDispatcher dispatcher;

    private final Receivers receivers = new Receivers();

    @AfterEach
    void close() {
        receivers.close();
        dispatcher.start();
    }

    private static String base(String partner) {
        return "/v1/partners/" + partner + "/webhook-endpoints";
    }

    private static String body(int i) {
        return "{\"url\": \"https://127.0.0.1:9/hook-" + i + "\"}";
    }

    @Test
    void aPartnerHasAtMostTenEndpointsAndTheEleventhIsAConflict() {
        String partner = partner();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(Api.json(body(i)).post(base(partner)).then().statusCode(201).extract().path("id"));
        }
        Api.json(body(10)).post(base(partner)).then().statusCode(409).contentType(PROBLEM)
                .body("status", equalTo(409))
                .body("detail", containsString("10"));
        Api.given().get(base(partner)).then().body("items", hasSize(10));
        // a disabled endpoint still counts; a deleted one frees its place
        Api.json("{\"enabled\": false}").patch(base(partner) + "/" + ids.get(0)).then().statusCode(200);
        Api.json(body(10)).post(base(partner)).then().statusCode(409);
        Api.given().delete(base(partner) + "/" + ids.get(0)).then().statusCode(204);
        Api.json(body(10)).post(base(partner)).then().statusCode(201);
        // other partners are not affected
        Api.json(body(0)).post(base(partner())).then().statusCode(201);
    }

    @Test
    void twoCreationsRacingForTheLastPlaceGiveOneEndpointAndOneConflict() throws Exception {
        String partner = partner();
        for (int i = 0; i < 9; i++) {
            Api.json(body(i)).post(base(partner)).then().statusCode(201);
        }
        CompletableFuture<Integer> first;
        CompletableFuture<Integer> second;
        try (Connection c = db.getConnection(); var st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                // holds each creation at its insert, after it counted the partner's endpoints (9)
                st.execute("lock table webhook_endpoints in share mode");
                first = CompletableFuture.supplyAsync(() -> Api.json(body(9)).post(base(partner)).then().extract()
                        .statusCode());
                await().atMost(Duration.ofSeconds(10)).until(() -> waiting("insert into webhook_endpoints") == 1);
                second = CompletableFuture.supplyAsync(() -> Api.json(body(10)).post(base(partner)).then().extract()
                        .statusCode());
                // the second one waits too: for the first one's count and insert to commit, or at its own insert
                await().atMost(Duration.ofSeconds(10)).until(() -> waiting("insert into webhook_endpoints")
                        + waiting("pg_advisory_xact_lock") == 2);
            } finally {
                c.rollback();
            }
        }
        List<Integer> statuses = List.of(first.get(10, TimeUnit.SECONDS), second.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(201, 409), statuses.stream().sorted().toList(), statuses.toString());
        Api.given().get(base(partner)).then().body("items", hasSize(10));
    }

    @Test
    void aReplayWindowOlderThanSevenDaysIsRefusedNamingSince() {
        String partner = partner();
        String id = endpoint(partner, "https://127.0.0.1:9/x", "").getString("id");
        String tooOld = Instant.now().minus(Duration.ofDays(7)).minusSeconds(60).toString();
        Api.json("{\"since\": \"" + tooOld + "\"}").post(base(partner) + "/" + id + "/replay").then()
                .statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("since"));
        String recent = Instant.now().minus(Duration.ofDays(6)).toString();
        Api.json("{\"since\": \"" + recent + "\"}").post(base(partner) + "/" + id + "/replay").then().statusCode(202);
    }

    @Test
    void replaySkipsEventsStillQueuedForTheEndpoint() {
        String partner = partner();
        Receiver r = receivers.open();
        String since = Instant.now().minusSeconds(5).toString();
        JsonPath ep = endpoint(partner, r.url("/queued"), "");
        String path = base(partner) + "/" + ep.getString("id");
        dispatcher.stop();
        placeOrder(partner);
        // both events are still pending for this endpoint: replaying them twice would send them twice
        Api.json("{\"since\": \"" + since + "\"}").post(path + "/replay").then().statusCode(202)
                .body("enqueued", equalTo(0));
        Api.json("{\"since\": \"" + since + "\"}").post(path + "/replay").then().statusCode(202)
                .body("enqueued", equalTo(0));
        dispatcher.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> r.requests().size() == 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> r.requests().size() == 2);
        Api.given().get(path + "/deliveries").then().body("items", hasSize(2));
    }

    @Test
    void aSecondReplayOfTheSameEndpointWhileOneRunsIsAConflict() throws Exception {
        String partner = partner();
        String since = Instant.now().minusSeconds(5).toString();
        placeOrder(partner);
        String path = base(partner) + "/" + endpoint(partner, "https://127.0.0.1:9/x", "").getString("id");
        String other = base(partner) + "/" + endpoint(partner, "https://127.0.0.1:9/y", "").getString("id");
        CompletableFuture<Integer> first;
        try (Connection c = db.getConnection(); var st = c.createStatement()) {
            c.setAutoCommit(false);
            try {
                // holds the first replay inside its transaction, at the point where it writes its deliveries
                st.execute("lock table webhook_deliveries in share mode");
                first = CompletableFuture.supplyAsync(() -> Api.json("{\"since\": \"" + since + "\"}")
                        .post(path + "/replay").then().extract().statusCode());
                await().atMost(Duration.ofSeconds(10)).until(() -> waiting("insert into webhook_deliveries") > 0);
                CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> Api.json(
                        "{\"since\": \"" + since + "\"}").post(path + "/replay").then().extract().asString());
                String problem = second.get(10, TimeUnit.SECONDS);
                assertTrue(problem.contains("\"status\":409") && problem.contains("replay"), problem);
            } finally {
                c.rollback();
            }
        }
        assertEquals(202, first.get());
        // the lock is per endpoint and released with the first one's transaction
        Api.json("{\"since\": \"" + since + "\"}").post(path + "/replay").then().statusCode(202);
        Api.json("{\"since\": \"" + since + "\"}").post(other + "/replay").then().statusCode(202)
                .body("enqueued", equalTo(2));
    }

    /** Sessions waiting for a lock in a statement containing this text. */
    private int waiting(String statement) throws Exception {
        try (Connection c = db.getConnection(); var st = c.prepareStatement("""
                select count(*) from pg_stat_activity
                where wait_event_type = 'Lock' and pid <> pg_backend_pid() and position(? in query) > 0""")) {
            st.setString(1, statement);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
