package io.orderrelay.deploy;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import io.orderrelay.dev.PackagedAppStack;
import io.orderrelay.support.UpstreamFixtures;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * The packaged application (target/quarkus-app, prod profile: what deploy/k8s runs), started as a process by
 * {@link QuarkusIntegrationTest} with PostgreSQL, Kafka, a stub upstream and strong keys from {@link PackagedAppStack}.
 * Runs in its own failsafe execution (pom.xml), after package.
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppStack.class)
class PackagedAppIT {

    private static final String KEY = "Bearer " + PackagedAppStack.ADMIN_KEY;

    @Test
    void theSandboxIsNotPartOfTheProdBuild() {
        given().get("/sandbox/v2/homepage").then().statusCode(404);
        given().get("/sandbox/control/orders").then().statusCode(404);
        given().header("Authorization", KEY).get("/sandbox/control/faults").then().statusCode(404);
    }

    @Test
    void healthIsUpWithTheDatabaseAndTheBroker() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'Database connections health check' }.status", equalTo("UP"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/well").then().statusCode(200)
                .body("checks.find { it.name == 'Kafka outbox' }.data.broker", equalTo("reachable")));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void theApiWantsAKey() {
        given().get("/v1/orders").then().statusCode(401);
        given().header("Authorization", "Bearer ork_not_a_key_of_this_relay").get("/v1/orders").then().statusCode(401);
        given().header("Authorization", KEY).get("/v1/orders").then().statusCode(200);
    }

    @Test
    void theConsoleIsServedWithItsStrictPolicy() {
        String policy = given().get("/console").then().statusCode(200)
                .body(containsString("/console/static/sign-in.js"))
                .extract().header("Content-Security-Policy");
        assertTrue(policy != null && policy.contains("script-src 'self';") && policy.contains("object-src 'none'")
                && policy.contains("frame-ancestors 'none'"), "Content-Security-Policy: " + policy);
        given().get("/console/static/api.js").then().statusCode(200).header("Content-Security-Policy", policy);
    }

    @Test
    void anOrderIsPlacedAndFollowedToDoneAgainstUpstream() {
        String id = given().header("Authorization", KEY).header("Idempotency-Key", "packaged-it-1")
                .contentType(ContentType.JSON).body(UpstreamFixtures.createBody(UpstreamFixtures.reference()))
                .post("/v1/orders")
                .then().statusCode(201)
                .body("upstream_order_id", equalTo(PackagedAppStack.UPSTREAM_ORDER_ID))
                .body("state", equalTo("WaitingForPayment"))
                .extract().path("id");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().header("Authorization", KEY)
                .get("/v1/orders/" + id).then().statusCode(200).body("state", equalTo("Done")));
        given().header("Authorization", KEY).get("/v1/orders/" + id + "/transitions").then().statusCode(200)
                .body("items.to_state", contains("Submitting", "WaitingForPayment", "PaymentReceived",
                        "WaitingForDelivery", "Done"))
                .body("items.source", hasItem("stream"));
    }
}
