package io.orderrelay.order;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.security.Scopes;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.testing.LogCapture;
import io.orderrelay.upstream.UpstreamOrder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

/** Redemption data: sealed at rest, readable only with orders:secrets, every read audited, never logged. */
@QuarkusTest
class RedemptionIT {

    @Inject
    SandboxControl sandbox;

    @Inject
    TransitionWriter transitions;

    @Inject
    EntityManager em;

    @Test
    void sealsRedemptionDataAndAuditsEveryReadWithoutLoggingSecrets() {
        String secretsKey = TestKeys.key("secrets reader", null, Scopes.ORDERS_READ, Scopes.ORDERS_SECRETS);
        String readerKey = TestKeys.key("plain reader", null, Scopes.ORDERS_READ);
        String pin;
        UUID id;
        try (LogCapture logs = LogCapture.start("io.orderrelay")) {
            id = UUID.fromString(Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                    .then().statusCode(201).extract().path("id"));
            String upstreamId = Api.given().get("/v1/orders/" + id).then().extract().path("upstream_order_id");
            JsonNode done = sandbox.setState(upstreamId, "Done");
            pin = done.at("/deliveries/0/deliverable/pin_code").asText();
            assertFalse(pin.isBlank(), "the sandbox delivers a pin code at Done");
            QuarkusTransaction.requiringNew().run(() ->
                    transitions.apply(id, Observation.upstream(UpstreamOrder.parse(done, upstreamId), TransitionSource.RECONCILE)));

            Api.given().get("/v1/orders/" + id).then().statusCode(200)
                    .body("state", equalTo("Done"))
                    .body(not(containsString(pin)));
            RestAssured.given().header("Authorization", "Bearer " + readerKey).get("/v1/orders/" + id + "/deliveries")
                    .then().log().ifValidationFails().statusCode(403);
            RestAssured.given().header("Authorization", "Bearer " + secretsKey).get("/v1/orders/" + id + "/deliveries")
                    .then().statusCode(200)
                    .body("items[0].brand_name", equalTo("Airbnb"))
                    .body("items[0].redemption.pin_code", equalTo(pin));

            logs.assertNoneContains(pin);
            logs.assertNoneContains("sandbox-partner");
            logs.assertNoneContains(secretsKey);
            logs.assertNoneContains(Api.ADMIN_KEY);
        }

        String stored = QuarkusTransaction.requiringNew().call(() -> (String) em
                .createNativeQuery("select redemption_sealed from orders where id = ?1").setParameter(1, id).getSingleResult());
        assertNotNull(stored);
        assertFalse(stored.contains(pin), "the pin code is readable in the database");
        long audited = QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("select count(*) from redemption_reads where order_id = ?1").setParameter(1, id)
                .getSingleResult()).longValue());
        assertEquals(1, audited, "the one successful read is audited");
    }
}
