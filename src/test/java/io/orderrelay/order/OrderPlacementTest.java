package io.orderrelay.order;

import static io.orderrelay.support.UpstreamFixtures.VALID;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class OrderPlacementTest {

    @InjectUpstream
    WireMockServer upstream;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    TransitionWriter transitions;

    @BeforeEach
    void reset() {
        UpstreamFixtures.resetAcceptingValidations(upstream, breakers);
    }

    @Test
    void placesTheOrderUpstreamAndAnswersItWithPaymentInstructions() {
        String upstreamId = UUID.randomUUID().toString();
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.order(upstreamId, "WaitingForPayment", 1764064800.5))));
        String reference = UpstreamFixtures.reference();

        String id = Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders")
                .then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.containsString("/v1/orders/"))
                .body("upstream_order_id", equalTo(upstreamId))
                .body("state", equalTo("WaitingForPayment"))
                .body("sequence", equalTo(2))
                .body("partner_id", equalTo("acme"))
                .body("client_reference", equalTo(reference))
                .body("payment.coin_amount", equalTo("100.000000000000000001"))
                .body("payment.wallet_address", notNullValue())
                .body("payment.pay_before", notNullValue())
                .body("deliveries[0].brand_name", equalTo("Airbnb"))
                .body("deliveries[0].quantity", equalTo(1))
                .body("deliveries[0].delivery_state", equalTo("Pending"))
                .body("email", nullValue())
                .extract().path("id");

        Api.given().get("/v1/orders/" + id).then().statusCode(200)
                .body("state", equalTo("WaitingForPayment"))
                .body("payment.coin_amount", equalTo("100.000000000000000001"));
        Api.given().get("/v1/orders/" + id + "/transitions").then().statusCode(200)
                .body("items.sequence", contains(1, 2))
                .body("items.from_state", contains(null, "Submitting"))
                .body("items.to_state", contains("Submitting", "WaitingForPayment"))
                .body("items.source", contains("create", "create"));
    }

    @Test
    void sendsTheRequiredHeadersAndUpstreamBodyShapes() {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));

        Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders").then().statusCode(201);

        upstream.verify(postRequestedFor(urlEqualTo("/v5/orders/validations"))
                .withHeader("X-Cr-Application", wm("sandbox-partner"))
                .withHeader("X-Cr-Version", notBlank())
                .withHeader("X-Country-ISO-Code", wm("US"))
                .withHeader("Content-Type", com.github.tomakehurst.wiremock.client.WireMock.containing("application/json"))
                .withRequestBody(matchingJsonPath("$.payment.type", wm("via")))
                .withRequestBody(matchingJsonPath("$.deliveries[0].beneficiary_account", wm("buyer@example.com"))));
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders"))
                .withHeader("X-Cr-Application", wm("sandbox-partner"))
                .withHeader("X-Country-ISO-Code", wm("US"))
                .withRequestBody(equalToJson("""
                        {"deliveries":[{"kind":"giftcard","quantity":1,
                          "deliverable":{"brand_name":"Airbnb","country_code":"US","denomination":"100",
                                         "beneficiary_account":"buyer@example.com"}}],
                         "payment":{"type":"via","coin":"USDC","network":"Solana","payment_via":"USER_WALLET"},
                         "user":{"email":"buyer@example.com","has_accepted_newsletter":false},
                         "lang":"en","acquisition":{"utm_source":"acme"}}""")));
    }

    @Test
    void replaysTheSameAnswerForTheSameIdempotencyKeyAndBody() {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference());
        String key = UUID.randomUUID().toString();

        String first = Api.json(body).header("Idempotency-Key", key).post("/v1/orders")
                .then().statusCode(201).header("Idempotent-Replayed", nullValue()).extract().asString();
        String second = Api.json(body).header("Idempotency-Key", key).post("/v1/orders")
                .then().statusCode(201).header("Idempotent-Replayed", "true").extract().asString();

        org.junit.jupiter.api.Assertions.assertEquals(first, second);
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
    }

    @Test
    void replaysARejectionForTheSameIdempotencyKeyWithoutAskingUpstreamAgain() {
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson("""
                {"problems": [{"problem": "OUT_OF_STOCK", "moreDetails": null}]}""")));
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference());
        String key = UUID.randomUUID().toString();

        String first = Api.json(body).header("Idempotency-Key", key).post("/v1/orders")
                .then().statusCode(422).extract().asString();
        String second = Api.json(body).header("Idempotency-Key", key).post("/v1/orders")
                .then().statusCode(422).contentType("application/problem+json")
                .header("Idempotent-Replayed", "true").extract().asString();

        org.junit.jupiter.api.Assertions.assertEquals(first, second);
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders/validations")));
    }

    @Test
    void placesOnlyOneOrderWhenTheSameClientReferenceArrivesConcurrently() throws Exception {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder()).withFixedDelay(200)));
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(pool.submit(() -> Api.json(body).post("/v1/orders").then().extract().statusCode()));
            }
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get());
            }
            org.junit.jupiter.api.Assertions.assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            org.junit.jupiter.api.Assertions.assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
    }

    @Test
    void refusesAnIdempotencyKeyReusedWithAnotherBody() {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        String key = UUID.randomUUID().toString();
        Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).header("Idempotency-Key", key)
                .post("/v1/orders").then().statusCode(201);

        Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).header("Idempotency-Key", key)
                .post("/v1/orders").then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409));
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
    }

    @Test
    void answersConflictWithTheExistingOrderForAReusedClientReference() {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        String reference = UpstreamFixtures.reference();
        String id = Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders")
                .then().statusCode(201).extract().path("id");

        Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("order_id", equalTo(id))
                .body("state", equalTo("WaitingForPayment"));
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
        // the reused reference is refused by the read before any upstream call, not by the unique index after one
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders/validations")));
    }

    @Test
    void storesTheOrderRejectedWithUpstreamProblemsWhenValidationRefusesIt() {
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson("""
                {"problems": [{"problem": "OUT_OF_STOCK", "moreDetails": "Airbnb 100 USD"}]}""")));
        String reference = UpstreamFixtures.reference();

        String id = Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("state", equalTo("Rejected"))
                .body("problems[0].code", equalTo("OUT_OF_STOCK"))
                .body("problems[0].details", equalTo("Airbnb 100 USD"))
                .extract().path("order_id");

        upstream.verify(0, postRequestedFor(urlEqualTo("/v5/orders")));
        Api.given().get("/v1/orders/" + id).then().statusCode(200).body("state", equalTo("Rejected"));
        Api.given().get("/v1/orders/" + id + "/transitions").then()
                .body("items.to_state", contains("Submitting", "Rejected"));
        Api.given().queryParam("client_reference", reference).get("/v1/orders").then()
                .body("items", hasSize(1)).body("items[0].state", equalTo("Rejected"));
    }

    @Test
    void letsAClientReferenceBeUsedAgainAfterItsOrderWasRejected() {
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson("""
                {"problems": [{"problem": "OUT_OF_STOCK", "moreDetails": null}]}""")));
        String reference = UpstreamFixtures.reference();
        Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders").then().statusCode(422);

        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson(VALID)));
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders").then().statusCode(201);
        Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders").then().statusCode(409);
    }

    @Test
    void neverMovesAnOrderUpstreamKnowsBackToALocalState() {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(201).extract().path("id");

        boolean recorded = io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> transitions
                .apply(UUID.fromString(id), Observation.local(OrderState.SUBMISSION_UNCERTAIN, TransitionSource.RECONCILE))
                .isPresent());

        org.junit.jupiter.api.Assertions.assertFalse(recorded);
        Api.given().get("/v1/orders/" + id).then().body("state", equalTo("WaitingForPayment")).body("sequence", equalTo(2));
    }

    @Test
    void rejectsTheOrderWhenUpstreamRefusesTheCreate() {
        upstream.stubFor(post("/v5/orders").willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":422,\"detail\":\"LOGIN_REQUIRED\",\"moreDetails\":\"log in first\"}")));

        Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(422)
                .body("state", equalTo("Rejected"))
                .body("problems[0].code", equalTo("LOGIN_REQUIRED"));
        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
    }

    @Test
    void leavesTheOrderSubmissionUncertainAfterOneUpstreamPostWhenUpstreamFails() {
        upstream.stubFor(post("/v5/orders").willReturn(aResponse().withStatus(502).withBody("{\"message\":\"bad gateway\"}")));

        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(502)
                .contentType("application/problem+json")
                .body("state", equalTo("SubmissionUncertain"))
                .body("order_id", notNullValue())
                .extract().path("order_id");

        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
        Api.given().get("/v1/orders/" + id + "/transitions").then()
                .body("items.to_state", contains("Submitting", "SubmissionUncertain"));
    }

    @Test
    void answersGatewayTimeoutAndNeverResendsWhenTheCreateTimesOut() {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder()).withFixedDelay(4000)));

        Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(504)
                .body("state", equalTo("SubmissionUncertain"));

        upstream.verify(1, postRequestedFor(urlEqualTo("/v5/orders")));
    }

    @Test
    void answersServiceUnavailableAndStoresNothingWhenValidationCannotBeReached() {
        upstream.stubFor(post("/v5/orders/validations").willReturn(aResponse().withStatus(503)));
        String reference = UpstreamFixtures.reference();

        Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders")
                .then().statusCode(503)
                .header("Retry-After", notNullValue())
                .body("order_id", nullValue());

        upstream.verify(0, postRequestedFor(urlEqualTo("/v5/orders")));
        Api.given().queryParam("client_reference", reference).get("/v1/orders").then().body("items", hasSize(0));
    }

    @Test
    void resolvesAnUncertainOrderWithTheUpstreamOrderFoundByAnOperator() {
        upstream.stubFor(post("/v5/orders").willReturn(aResponse().withStatus(500)));
        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(502).extract().path("order_id");
        String upstreamId = UUID.randomUUID().toString();
        upstream.stubFor(get(urlPathEqualTo("/v5/orders/" + upstreamId))
                .willReturn(okJson(UpstreamFixtures.order(upstreamId, "WaitingForPayment", 1764064801))));

        Api.json("{\"upstream_order_id\": \"" + upstreamId + "\"}").post("/v1/orders/" + id + "/resolve")
                .then().statusCode(200)
                .body("state", equalTo("WaitingForPayment"))
                .body("upstream_order_id", equalTo(upstreamId));
        Api.given().get("/v1/orders/" + id + "/transitions").then()
                .body("items.to_state", contains("Submitting", "SubmissionUncertain", "WaitingForPayment"))
                .body("items.source", contains("create", "create", "operator"));

        Api.json("{\"state\": \"Rejected\", \"reason\": \"late\"}").post("/v1/orders/" + id + "/resolve")
                .then().statusCode(409).body("state", equalTo("WaitingForPayment"));
    }

    @Test
    void resolvesAnUncertainOrderAsRejected() {
        upstream.stubFor(post("/v5/orders").willReturn(aResponse().withStatus(503)));
        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(502).extract().path("order_id");

        Api.json("{\"state\": \"Rejected\", \"reason\": \"not found upstream by support\"}")
                .post("/v1/orders/" + id + "/resolve")
                .then().statusCode(200).body("state", equalTo("Rejected"));
    }

    @Test
    void answersTheValidationVerdictWithoutStoringAnything() {
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson("""
                {"problems": [{"problem": "MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED", "moreDetails": null}]}""")));
        String reference = UpstreamFixtures.reference();

        Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders/validations")
                .then().statusCode(200)
                .body("valid", equalTo(false))
                .body("problems[0].code", equalTo("MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED"));
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson(VALID)));
        Api.json(UpstreamFixtures.createBody(reference)).post("/v1/orders/validations")
                .then().statusCode(200).body("valid", equalTo(true)).body("problems", hasSize(0));
        Api.given().queryParam("client_reference", reference).get("/v1/orders").then().body("items", hasSize(0));
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern wm(String value) {
        return com.github.tomakehurst.wiremock.client.WireMock.equalTo(value);
    }

    private static com.github.tomakehurst.wiremock.matching.StringValuePattern notBlank() {
        return com.github.tomakehurst.wiremock.client.WireMock.matching(".+");
    }
}
