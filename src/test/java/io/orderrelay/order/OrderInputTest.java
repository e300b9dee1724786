package io.orderrelay.order;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every class of bad input answers problem+json 4xx naming the field, and stores nothing. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class OrderInputTest {

    @InjectUpstream
    WireMockServer upstream;

    private long ordersBefore;

    @BeforeEach
    void countOrders() {
        upstream.resetAll();
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson(UpstreamFixtures.VALID)));
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.newOrder())));
        ordersBefore = orders();
    }

    @AfterEach
    void nothingStored() {
        org.junit.jupiter.api.Assertions.assertEquals(ordersBefore, orders(), "a bad request stored an order");
        org.junit.jupiter.api.Assertions.assertEquals(0, upstream.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/v5/orders")).count(), "a bad request reached upstream");
    }

    @Test
    void answersMalformedJson() {
        problem(Api.json("{\"partner_id\": \"acme\", ").post("/v1/orders"), 400)
                .body("title", equalTo("Malformed JSON"));
    }

    @Test
    void namesTheFieldOfAWrongType() {
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference()).replace("\"quantity\": 1", "\"quantity\": \"one\"");
        problem(Api.json(body).post("/v1/orders"), 400)
                .body("errors.field", hasItem("deliveries[0].quantity"));
    }

    @Test
    void namesTheFieldOfAWrongTypedObject() {
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference())
                .replace("\"payment\": {\"coin\": \"USDC\", \"network\": \"Solana\", \"payment_via\": \"USER_WALLET\"}", "\"payment\": 12");
        problem(Api.json(body).post("/v1/orders"), 400).body("errors.field", hasItem("payment"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing partner_id        | \"partner_id\": \"acme\",                 | | partner_id",
            "bad country               | \"country_code\": \"US\"                  | \"country_code\": \"XX\" | country_code",
            "lower-case country        | \"country_code\": \"US\"                  | \"country_code\": \"us\" | country_code",
            "bad delivery country      | \"country_code\": \"US\", \"denomination\" | \"country_code\": \"ZZ\", \"denomination\" | deliveries[0].country_code",
            "zero quantity             | \"quantity\": 1                           | \"quantity\": 0 | deliveries[0].quantity",
            "negative quantity         | \"quantity\": 1                           | \"quantity\": -3 | deliveries[0].quantity",
            "bad coin                  | \"coin\": \"USDC\"                        | \"coin\": \"usd c\" | payment.coin",
            "negative denomination     | \"denomination\": \"100\"                 | \"denomination\": \"-100\" | deliveries[0].denomination",
            "bad email                 | \"email\": \"buyer@example.com\"          | \"email\": \"not-an-email\" | email",
            "no deliveries             | \"deliveries\": [{                        | \"deliveries\": [], \"x\": [{ | deliveries",
    })
    void namesTheInvalidField(String name, String from, String to, String field) {
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference()).replace(from.trim(), to == null ? "" : to.trim());
        problem(Api.json(body).post("/v1/orders"), 400).body("errors.field", hasItem(field));
    }

    @Test
    void refusesAnEmptyBody() {
        problem(Api.given().contentType(ContentType.JSON).post("/v1/orders"), 400);
    }

    @Test
    void refusesAnUnknownEnumValue() {
        problem(Api.json("{\"state\": \"Done\"}").post("/v1/orders/" + UUID.randomUUID() + "/resolve"), 400)
                .body("errors.field", hasItem("state"))
                .body("errors.message", hasItem(containsString("Rejected")));
    }

    @Test
    void refusesAResolveWithBothOrNeitherChoice() {
        problem(Api.json("{}").post("/v1/orders/" + UUID.randomUUID() + "/resolve"), 400);
    }

    @Test
    void refusesAWrongContentType() {
        problem(Api.given().contentType(ContentType.TEXT).body("hello").post("/v1/orders"), 415);
    }

    @Test
    void refusesAnOversizedBody() {
        String huge = UpstreamFixtures.createBody(UpstreamFixtures.reference())
                .replace("\"utm_source\": \"acme\"", "\"utm_source\": \"" + "x".repeat(70_000) + "\"");
        ValidatableResponse answer = Api.json(huge).post("/v1/orders").then();
        answer.statusCode(413).contentType("application/problem+json");
    }

    @Test
    void answersNotFoundForAnUnknownOrder() {
        problem(Api.given().get("/v1/orders/" + UUID.randomUUID()), 404);
        problem(Api.given().get("/v1/orders/" + UUID.randomUUID() + "/transitions"), 404);
    }

    @Test
    void answersBadRequestForAMalformedOrderId() {
        problem(Api.given().get("/v1/orders/not-a-uuid"), 400).body("errors.field", hasItem("id"));
    }

    @Test
    void answersBadRequestForABadCursorLimitOrTime() {
        problem(Api.given().queryParam("cursor", "garbage!").get("/v1/orders"), 400).body("errors.field", hasItem("cursor"));
        problem(Api.given().queryParam("limit", "501").get("/v1/orders"), 400).body("errors.field", hasItem("limit"));
        problem(Api.given().queryParam("limit", "0").get("/v1/orders"), 400).body("errors.field", hasItem("limit"));
        problem(Api.given().queryParam("created_from", "yesterday").get("/v1/orders"), 400)
                .body("errors.field", hasItem("created_from"));
    }

    @Test
    void refusesABadIdempotencyKey() {
        problem(Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).header("Idempotency-Key", "x".repeat(300))
                .post("/v1/orders"), 400).body("errors.field", hasItem("Idempotency-Key"));
    }

    @Test
    void answersProblemJsonForAnUnknownPathAndMethod() {
        problem(Api.given().get("/v1/nothing-here"), 404);
        problem(Api.given().delete("/v1/orders"), 405);
    }

    private static ValidatableResponse problem(io.restassured.response.Response response, int status) {
        return response.then().statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", not(equalTo(null)))
                .body("title", not(equalTo(null)))
                .body(not(containsString("Exception")))
                .body(not(containsString("at io.")));
    }

    private static long orders() {
        return QuarkusTransaction.requiringNew().call(() -> Order.count());
    }
}
