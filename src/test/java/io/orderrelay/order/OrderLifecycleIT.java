package io.orderrelay.order;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;

import io.orderrelay.sandbox.Fault;
import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.security.Scopes;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The orders API end to end against the built-in upstream sandbox. */
@QuarkusTest
class OrderLifecycleIT {

    @Inject
    SandboxControl sandbox;

    @AfterEach
    void clearFaults() {
        sandbox.clearFaults();
    }

    @Test
    void browsesValidatesPlacesAndReadsAnOrder() {
        Api.given().get("/v1/catalog/payment-vias").then().statusCode(200).body("name", hasItem("USER_WALLET"));
        Api.given().queryParam("country_code", "US").get("/v1/catalog/brands").then().statusCode(200);
        Api.given().queryParam("brand_name", "Airbnb").queryParam("country_code", "US").queryParam("face_value", "100")
                .queryParam("coin", "USDC").get("/v1/catalog/price").then().statusCode(200)
                .body("coin_amount", notNullValue());
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference());
        Api.json(body).post("/v1/orders/validations").then().statusCode(200).body("valid", equalTo(true));

        String upstreamId = Api.json(body).post("/v1/orders").then().statusCode(201)
                .body("state", equalTo("WaitingForPayment"))
                .body("payment.wallet_address", notNullValue())
                .body("payment.coin_amount", notNullValue())
                .extract().path("upstream_order_id");

        assertEquals("WaitingForPayment", sandbox.order(upstreamId).orElseThrow().get("order_state").asText());
        sandbox.requests("POST", "/v5/orders").forEach(r -> {
            assertEquals("sandbox-partner", r.xCrApplication());
            assertEquals("US", r.xCountryIsoCode());
        });
    }

    @Test
    void storesAnOrderTheSandboxRefusesAsRejected() {
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference())
                .replace("\"brand_name\": \"Airbnb\"", "\"brand_name\": \"NoSuchBrand\"");
        Api.json(body).post("/v1/orders").then().statusCode(422)
                .body("state", equalTo("Rejected"))
                .body("problems.code", hasItem("NOT_AVAILABLE_PRODUCT"));
    }

    @Test
    void sendsOneCreateAndLeavesTheOrderUncertainWhenUpstreamFailsAfterCreating() {
        sandbox.addFault(Fault.createFailAfterCreate(503).times(1));
        long postsBefore = sandbox.count("POST", "/v5/orders");

        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(502)
                .body("state", equalTo("SubmissionUncertain"))
                .extract().path("order_id");

        assertEquals(postsBefore + 1, sandbox.count("POST", "/v5/orders"));
        Api.given().get("/v1/orders/" + id).then().body("state", equalTo("SubmissionUncertain"))
                .body("upstream_order_id", equalTo(null));
    }

    @Test
    void listsOrdersNewestFirstWithFiltersAndCursor() {
        String partner = "lister-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 5; i++) {
            Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference()).replace("\"acme\",", "\"" + partner + "\","))
                    .post("/v1/orders").then().statusCode(201);
        }
        List<String> firstPage = Api.given().queryParam("partner_id", partner).queryParam("limit", 3).get("/v1/orders")
                .then().statusCode(200).body("items", hasSize(3)).body("next_cursor", notNullValue())
                .extract().path("items.id");
        String cursor = Api.given().queryParam("partner_id", partner).queryParam("limit", 3).get("/v1/orders")
                .then().extract().path("next_cursor");
        List<String> secondPage = Api.given().queryParam("partner_id", partner).queryParam("limit", 3)
                .queryParam("cursor", cursor).get("/v1/orders")
                .then().statusCode(200).body("items", hasSize(2)).body("next_cursor", equalTo(null))
                .extract().path("items.id");
        secondPage.forEach(id -> org.hamcrest.MatcherAssert.assertThat(firstPage, not(hasItem(id))));
        Api.given().queryParam("partner_id", partner).queryParam("state", "WaitingForPayment").get("/v1/orders")
                .then().body("items", hasSize(5));
        Api.given().queryParam("partner_id", partner).queryParam("state", "Done").get("/v1/orders")
                .then().body("items", hasSize(0));
        Api.given().queryParam("partner_id", partner).queryParam("created_from", "2999-01-01T00:00:00Z").get("/v1/orders")
                .then().body("items", hasSize(0));
    }

    @Test
    void keepsPartnerBoundKeysToTheirOwnPartnersOrders() {
        String partner = "bound-" + UUID.randomUUID().toString().substring(0, 8);
        String ownId = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference()).replace("\"acme\",", "\"" + partner + "\","))
                .post("/v1/orders").then().statusCode(201).extract().path("id");
        String otherId = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference()))
                .post("/v1/orders").then().statusCode(201).extract().path("id");
        String key = TestKeys.key("bound reader", partner, Scopes.ORDERS_READ, Scopes.ORDERS_WRITE);

        withKey(key).get("/v1/orders/" + ownId).then().statusCode(200);
        withKey(key).get("/v1/orders/" + otherId).then().statusCode(404).contentType("application/problem+json");
        withKey(key).get("/v1/orders/" + otherId + "/transitions").then().statusCode(404);
        withKey(key).get("/v1/orders").then().statusCode(200).body("items.partner_id", not(hasItem("acme")));
        withKey(key).contentType(ContentType.JSON).body(UpstreamFixtures.createBody(UpstreamFixtures.reference()))
                .post("/v1/orders").then().statusCode(403);
    }

    @Test
    void refusesCallsWithoutAKeyOrWithoutTheScope() {
        RestAssured.given().get("/v1/orders").then().statusCode(401).contentType("application/problem+json");
        RestAssured.given().contentType(ContentType.JSON).body("{not json").post("/v1/orders")
                .then().statusCode(401);
        String reader = TestKeys.key("reader", null, Scopes.ORDERS_READ);
        withKey(reader).contentType(ContentType.JSON).body(UpstreamFixtures.createBody(UpstreamFixtures.reference()))
                .post("/v1/orders").then().statusCode(403).contentType("application/problem+json");
        withKey(reader).get("/v1/orders").then().statusCode(200);
    }

    @Test
    void exposesTheOpenApiDocument() {
        RestAssured.given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/v1/orders"));
    }

    private static io.restassured.specification.RequestSpecification withKey(String key) {
        return RestAssured.given().header("Authorization", "Bearer " + key);
    }

    @SuppressWarnings("unused")
    private static org.hamcrest.Matcher<Iterable<? extends String>> states(String... states) {
        return contains(states);
    }
}
