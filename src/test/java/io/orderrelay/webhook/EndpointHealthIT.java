package io.orderrelay.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.security.Scopes;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET .../webhook-endpoints/{id}/health against a real (WireMock) receiver. */
@QuarkusTest
class EndpointHealthIT {

    WireMockServer receiver;

    @BeforeEach
    void startReceiver() {
        receiver = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop();
    }

    @Test
    void healthCountsTheAttemptsOfTheLastHourAndDayAndKeepsTheLastFailureWithItsAnswer() {
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(503).withBody("down for maintenance")));
        String partner = WebhookFixtures.partner();
        String base = endpoint(partner);

        Api.given().get(base + "/health").then().statusCode(200)
                .body("enabled", equalTo(true)).body("last_hour.attempts", equalTo(0))
                .body("last_hour.success_rate", nullValue()).body("last_failure", nullValue());

        String delivery = Api.given().post(base + "/test").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(status(base, delivery)));
        JsonPath failing = Api.given().get(base + "/health").then().statusCode(200).extract().jsonPath();
        int attempts = failing.getInt("last_hour.attempts");
        assertTrue(attempts >= 1, "attempts counted: " + attempts);
        assertEquals(0, failing.getInt("last_hour.succeeded"));
        assertEquals(0.0, failing.getDouble("last_hour.success_rate"));
        assertEquals(attempts, failing.getInt("last_day.attempts"));
        assertEquals(503, failing.getInt("last_failure.status_code"));
        assertTrue(failing.getString("last_failure.response_excerpt").contains("down for maintenance"));
        assertEquals(delivery, failing.getString("last_failure.delivery_id"));
        assertEquals("webhook.test", failing.getString("last_failure.event_type"));
        assertTrue(failing.getString("failing_since") != null, "failing since its first failure");

        receiver.resetAll();
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(204)));
        Api.given().post(base + "/deliveries/" + delivery + "/retry").then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(status(base, delivery)));
        Api.given().get(base + "/health").then().statusCode(200)
                .body("last_hour.attempts", equalTo(attempts + 1)).body("last_hour.succeeded", equalTo(1))
                .body("last_hour.success_rate", equalTo(1.0f / (attempts + 1)))
                .body("last_success_at", notNullValue()).body("failing_since", nullValue())
                .body("last_failure.status_code", equalTo(503)).body("pending_deliveries", equalTo(0));
    }

    @Test
    void anEndpointAnswering410IsDisabledWithItsReason() {
        receiver.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(410)));
        String base = endpoint(WebhookFixtures.partner());

        Api.given().post(base + "/test").then().statusCode(202);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> Api.given().get(base + "/health").then()
                .statusCode(200).body("enabled", equalTo(false)).body("disabled_reason", equalTo("gone"))
                .body("last_failure.status_code", equalTo(410)));
    }

    @Test
    void onlyTheEndpointsPartnerWithWebhooksManageReadsItsHealth() {
        String partner = WebhookFixtures.partner();
        String base = endpoint(partner);
        String other = TestKeys.key("health other", WebhookFixtures.partner(), Scopes.WEBHOOKS_MANAGE);
        String reader = TestKeys.key("health reader", partner, Scopes.ORDERS_READ);
        String own = TestKeys.key("health own", partner, Scopes.WEBHOOKS_MANAGE);

        RestAssured.given().get(base + "/health").then().statusCode(401);
        RestAssured.given().header("Authorization", TestKeys.bearer(other)).get(base + "/health").then().statusCode(404)
                .contentType("application/problem+json");
        RestAssured.given().header("Authorization", TestKeys.bearer(reader)).get(base + "/health").then().statusCode(403);
        RestAssured.given().header("Authorization", TestKeys.bearer(own)).get(base + "/health").then().statusCode(200);
        Api.given().get("/v1/partners/" + partner + "/webhook-endpoints/" + java.util.UUID.randomUUID() + "/health")
                .then().statusCode(404).contentType("application/problem+json");
        Api.given().get("/v1/partners/" + partner + "/webhook-endpoints/not-a-uuid/health").then().statusCode(400)
                .contentType("application/problem+json");
    }

    private String endpoint(String partner) {
        String id = WebhookFixtures.endpoint(partner, "http://127.0.0.1:" + receiver.port() + "/hooks", "")
                .getString("id");
        return "/v1/partners/" + partner + "/webhook-endpoints/" + id;
    }

    private static String status(String base, String delivery) {
        return Api.given().get(base + "/deliveries").then().statusCode(200).extract().jsonPath()
                .getString("items.find { it.id == '" + delivery + "' }.status");
    }
}
