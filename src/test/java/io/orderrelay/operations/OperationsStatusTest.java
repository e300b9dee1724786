package io.orderrelay.operations;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.upstream.UpstreamClient;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** GET /v1/admin/status: admins only, and its figures follow what happens to orders and to the outbox. */
@QuarkusTest
class OperationsStatusTest {

    static final String STATUS = "/v1/admin/status";

    @Inject
    EntityManager em;
    @Inject
    CircuitBreakerMaintenance breakers;

    @Test
    void onlyAnAdminKeyReadsTheStatus() {
        breakers.resetAll(); // an earlier test of this application may have opened one
        RestAssured.given().get(STATUS).then().statusCode(401);
        String partnerAdmin = TestKeys.key("status reader", null, "orders:read", "orders:write", "orders:secrets",
                "webhooks:manage");
        RestAssured.given().header("Authorization", TestKeys.bearer(partnerAdmin)).get(STATUS).then().statusCode(403)
                .contentType("application/problem+json");
        Api.given().get(STATUS).then().statusCode(200)
                .body("at", notNullValue())
                .body("upstream.circuits.name", containsInAnyOrder(UpstreamClient.CIRCUIT_BREAKERS.toArray()))
                .body("upstream.circuits.state", everyItem(equalTo("closed")))
                .body("tracking.replica.tracking_enabled", equalTo(true));
    }

    @Test
    void aPlacedOrderIsOpenAndFollowedByThisReplica() {
        long openBefore = status().getLong("tracking.open_orders");

        Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders").then().statusCode(201);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonPath s = status();
            assertTrue(s.getLong("tracking.open_orders") >= openBefore + 1, "open orders counted from the database");
            String self = s.getString("tracking.replica.owner");
            assertEquals(Boolean.TRUE, s.get("tracking.lease_owners.find { it.owner == '" + self + "' }.this_replica"));
            assertTrue(s.getLong("tracking.lease_owners.find { it.owner == '" + self + "' }.orders") >= 1);
            assertTrue(s.getInt("tracking.replica.followed_orders") >= 1);
            assertTrue(s.getInt("tracking.replica.live_streams") + s.getInt("tracking.replica.polling_orders") >= 1);
        });
    }

    @Test
    void aParkedEventIsCountedUntilAnAdminSkipsIt() {
        long parkedBefore = status().getLong("outbox.parked");
        UUID event = parkEvent(Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(201).extract().path("id"));

        assertEquals(parkedBefore + 1, status().getLong("outbox.parked"));

        Api.given().post("/v1/admin/outbox/parked/" + event + "/skip").then().statusCode(200);
        assertEquals(parkedBefore, status().getLong("outbox.parked"));
    }

    private static JsonPath status() {
        return Api.given().get(STATUS).then().statusCode(200).extract().jsonPath();
    }

    /** An event of the order that Kafka refused for good, as the relay parks it (OutboxParkingIT makes real ones). */
    private UUID parkEvent(String orderId) {
        UUID eventId = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                insert into outbox (event_id, order_id, sequence, type, payload, created_at, parked_at, park_reason)
                values (?1, ?2, 1000, 'order.done', ?3, ?4, ?4, 'RecordTooLargeException: status test')""")
                .setParameter(1, eventId).setParameter(2, UUID.fromString(orderId))
                .setParameter(3, "{}".getBytes(StandardCharsets.UTF_8)).setParameter(4, Instant.now())
                .executeUpdate());
        return eventId;
    }
}
