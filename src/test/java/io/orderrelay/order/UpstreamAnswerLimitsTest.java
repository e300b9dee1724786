package io.orderrelay.order;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Upstream answers over the payload limits (upstream.UpstreamLimits) during placement and resolve: clear outcomes. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class UpstreamAnswerLimitsTest {

    @InjectUpstream
    WireMockServer upstream;

    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeEach
    void reset() {
        UpstreamFixtures.resetAcceptingValidations(upstream, breakers);
    }

    @Test
    void aCreateAnswerWithAFieldOverItsLimitLeavesTheOrderSubmissionUncertainAndStoresNoneOfIt() {
        String upstreamId = UUID.randomUUID().toString();
        String longQr = "solana:" + "Q".repeat(5_000);
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.order(upstreamId, "WaitingForPayment", 1764064800.5)
                .replace("solana:7xKX?amount=100", longQr))));

        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(502)
                .contentType("application/problem+json")
                .body("type", equalTo("https://order-relay.io/problems/submission-uncertain"))
                .body("state", equalTo("SubmissionUncertain"))
                .body("order_id", notNullValue())
                .extract().path("order_id");

        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
        Api.given().get("/v1/orders/" + id).then().statusCode(200)
                .body("upstream_order_id", equalTo(null))
                .body("payment.qr_text", equalTo(null));
        Api.given().get("/v1/orders/" + id + "/transitions").then()
                .body("items.to_state", contains("Submitting", "SubmissionUncertain"));
        String reason = QuarkusTransaction.requiringNew().call(() -> Order.<Order>findById(UUID.fromString(id)).stateReason);
        assertTrue(reason.contains("qr_text longer than 4096 characters"), reason);
        assertFalse(reason.contains("QQQQ"), "the reason never quotes upstream's value");
    }

    @Test
    void aCreateAnswerOverTheTotalLimitIsSubmissionUncertainNeverA500() {
        String upstreamId = UUID.randomUUID().toString();
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.order(upstreamId, "WaitingForPayment", 1764064800.5)
                .replace("\"some_future_field\": [1, 2]", "\"some_future_field\": \"" + "F".repeat(70_000) + "\""))));

        Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(502)
                .contentType("application/problem+json")
                .body("state", equalTo("SubmissionUncertain"));
    }

    @Test
    void resolvingWithAnUpstreamOrderOverTheLimitsAnswers422AndLeavesTheOrderUncertain() {
        upstream.stubFor(post("/v5/orders").willReturn(okJson("{\"order_id\": 12}")));
        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(502).extract().path("order_id");
        String upstreamId = UUID.randomUUID().toString();
        upstream.stubFor(get(urlPathEqualTo("/v5/orders/" + upstreamId)).willReturn(okJson(
                UpstreamFixtures.order(upstreamId, "WaitingForPayment" + "X".repeat(100), 1764064801))));

        Api.json("{\"upstream_order_id\": \"" + upstreamId + "\"}").post("/v1/orders/" + id + "/resolve")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("https://order-relay.io/problems/upstream-order-unreadable"));
        Api.given().get("/v1/orders/" + id).then().body("state", equalTo("SubmissionUncertain"));
    }
}
