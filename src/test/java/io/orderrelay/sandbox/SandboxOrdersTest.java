package io.orderrelay.sandbox;

import static io.orderrelay.sandbox.SandboxCatalogTest.upstream;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
class SandboxOrdersTest {

    @Inject
    SandboxControl sandbox;

    static String validation(String email, String via, String coin, String network, String beneficiary, String brand,
            String country, String denomination, int quantity) {
        return """
                {"email":"%s","payment":{"type":"via","payment_via":"%s","coin":"%s"%s},
                 "deliveries":[{"beneficiary_account":"%s","brand_name":"%s","country_code":"%s",
                                "denomination":"%s","quantity":%d}],
                 "lang":"en"}""".formatted(email, via, coin, network == null ? "" : ",\"network\":\"" + network + "\"",
                beneficiary, brand, country, denomination, quantity);
    }

    static String createBody(String email, String brand, String denomination, int quantity) {
        return """
                {"deliveries":[{"kind":"giftcard","quantity":%d,
                                "deliverable":{"brand_name":"%s","country_code":"US","denomination":"%s"}}],
                 "payment":{"type":"via","coin":"USDC","network":"Solana","payment_via":"USER_WALLET"},
                 "user":{"email":"%s","has_accepted_newsletter":true},
                 "lang":"en","acquisition":{"utm_source":"sandbox-test"}}""".formatted(quantity, brand, denomination, email);
    }

    /** Creates a valid Airbnb 100 USD order and returns its upstream id. */
    static String createOrder() {
        return upstream().contentType(ContentType.JSON).body(createBody("buyer@example.com", "Airbnb", "100", 1))
                .post("/v5/orders").then().statusCode(200).extract().path("order_id");
    }

    @Test
    void acceptsTheSeedValidationExample() {
        upstream().contentType(ContentType.JSON).body("""
                {"email":"buyer@example.com",
                 "payment":{"type":"via","payment_via":"USER_WALLET","coin":"USDC"},
                 "deliveries":[{"beneficiary_account":"buyer@example.com","brand_name":"Airbnb","country_code":"US",
                                "denomination":"100 USD","localized_denomination":"$100"}],
                 "lang":"en"}""").post("/v5/orders/validations")
                .then().statusCode(200).body("$", hasKey("problems")).body("problems", nullValue());
    }

    @ParameterizedTest
    @CsvSource({
            "buyer@example.com, USER_WALLET, USDC, Solana, buyer@example.com, Steam, US, 500, 1, OUT_OF_STOCK",
            "buyer@example.com, USER_WALLET, USDC, Solana, buyer@example.com, Uber, FR, 25, 1, OUT_OF_STOCK",
            "buyer@example.com, USER_WALLET, USDC, Solana, buyer@example.com, Nope, US, 100, 1, NOT_AVAILABLE_PRODUCT",
            "buyer@example.com, USER_WALLET, USDC, Solana, buyer@example.com, Airbnb, US, 75, 1, NOT_AVAILABLE_PRODUCT",
            "buyer@example.com, USER_WALLET, USDC, Solana, buyer@example.com, Airbnb, US, 100 EUR, 1, NOT_AVAILABLE_PRODUCT",
            "buyer@example.com, USER_WALLET, USDC, Solana, buyer@example.com, Amazon, US, 2, 1, AMOUNT_LESS_THEN_MINIMUM_ALLOWED",
            "buyer@example.com, USER_WALLET, USDC, Solana, buyer@example.com, Airbnb, US, 200, 11, MAXIMUM_AMOUNT_PER_ORDER_EXCEEDED",
            "buyer@example.com, USER_WALLET, USDC, Solana, +15551234567, Airbnb, US, 100, 1, INVALID_BENEFICIARY_ACCOUNT",
            "buyer@example.com, USER_WALLET, USDC, Bitcoin, buyer@example.com, Airbnb, US, 100, 1, UNSUPPORTED_PROTOCOL_COIN_COMBINATION",
            "buyer@example.com, USER_WALLET, XYZ, Solana, buyer@example.com, Airbnb, US, 100, 1, UNSUPPORTED_PROTOCOL_COIN_COMBINATION",
            "buyer@example.com, USER_WALLET, DOGE, Dogecoin, buyer@example.com, Airbnb, US, 100, 1, SUSPENDED_COIN",
            "buyer@example.com, USER_WALLET, USDT, Tron, buyer@example.com, Airbnb, US, 100, 1, SUSPENDED_NETWORK",
            "buyer@example.com, BINANCE_PAY, USDC, Solana, buyer@example.com, Airbnb, US, 100, 1, NOT_ALLOWED_PAYMENT_VIA",
            "someone@kyc.example, USER_WALLET, USDC, Solana, buyer@example.com, Airbnb, US, 100, 1, KYC_REQUIRED",
            "someone@login.example, USER_WALLET, USDC, Solana, buyer@example.com, Airbnb, US, 100, 1, LOGIN_REQUIRED",
    })
    void reportsValidationProblems(String email, String via, String coin, String network, String beneficiary,
            String brand, String country, String denomination, int quantity, String expected) {
        upstream().contentType(ContentType.JSON)
                .body(validation(email, via, coin, network, beneficiary, brand, country, denomination, quantity))
                .post("/v5/orders/validations")
                .then().statusCode(200).body("problems.problem", contains(expected))
                .body("problems[0].moreDetails", not(nullValue()));
    }

    @Test
    void refusesAMalformedBody() {
        upstream().contentType(ContentType.JSON).body("{not json").post("/v5/orders/validations")
                .then().statusCode(400).body("status", equalTo(400));
        upstream().contentType(ContentType.JSON).body("{\"email\":\"a@b.example\",\"deliveries\":[]}")
                .post("/v5/orders").then().statusCode(400).body("moreDetails", equalTo("deliveries must not be empty"));
    }

    @Test
    void createsAnOrderWaitingForPaymentAndServesIt() {
        var created = upstream().contentType(ContentType.JSON).body(createBody("buyer@example.com", "Airbnb", "100", 2))
                .post("/v5/orders").then().statusCode(200)
                .body("order_id", matchesPattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))
                .body("order_state", equalTo("WaitingForPayment"))
                .body("payment_state", equalTo("WalletCreated"))
                .body("coin", equalTo("USDC")).body("network", equalTo("Solana"))
                .body("payment_via", equalTo("USER_WALLET"))
                .body("coin_amount", equalTo("200.00")).body("sent_coin_amount", equalTo("0.00"))
                .body("original_price.amount", equalTo("200.00")).body("original_price.currency", equalTo("USD"))
                .body("wallet_address", not(nullValue())).body("qr_text", not(nullValue()))
                .body("created_at", instanceOf(Number.class)).body("updated_at", instanceOf(Number.class))
                .body("deliveries", hasSize(2))
                .body("deliveries[0].kind", equalTo("giftcard"))
                .body("deliveries[0].deliverable.denomination", equalTo("100 USD"))
                .body("deliveries[0].deliverable.localized_denomination", equalTo("$100"))
                .body("deliveries[0].deliverable.beneficiary_account", equalTo("buyer@example.com"))
                .body("deliveries[0].deliverable", not(hasKey("pin_code")))
                .body("user.email", equalTo("buyer@example.com"))
                .extract().path("order_id");
        upstream().get("/v5/orders/" + created).then().statusCode(200)
                .body("order_id", equalTo(created)).body("order_state", equalTo("WaitingForPayment"));
        upstream().get("/v5/orders/" + java.util.UUID.randomUUID()).then().statusCode(404)
                .body("message", equalTo("Order not found"));
        upstream().get("/v5/orders/not-a-uuid").then().statusCode(404).body("message", equalTo("Order not found"));
    }

    @Test
    void refusesAnInvalidCreateWith422AndCreatesNothing() {
        int before = sandbox.orders().size();
        upstream().contentType(ContentType.JSON).body(createBody("buyer@example.com", "Steam", "500", 1))
                .post("/v5/orders").then().statusCode(422)
                .body("status", equalTo(422)).body("detail", equalTo("OUT_OF_STOCK"))
                .body("moreDetails[0].problem", equalTo("OUT_OF_STOCK"));
        assertEquals(before, sandbox.orders().size());
    }

    @Test
    void countsCreateCalls() {
        sandbox.clearRequests();
        createOrder();
        createOrder();
        assertEquals(2, sandbox.count("POST", "/v5/orders"));
        given().queryParam("method", "POST").queryParam("path_prefix", "/v5/orders").get("/sandbox/control/requests")
                .then().statusCode(200).body("findAll { it.path == '/v5/orders' }", hasSize(2))
                .body("[0].content_type", org.hamcrest.Matchers.startsWith("application/json"));
    }

    @Test
    void followsTheDefaultPathToDoneWithRedemptionData() {
        String id = createOrder();
        java.math.BigDecimal createdUpdatedAt = sandbox.order(id).orElseThrow().get("updated_at").decimalValue();
        given().post("/sandbox/control/orders/" + id + "/advance").then().statusCode(200)
                .body("order_state", equalTo("PaymentReceived")).body("payment_state", equalTo("PaymentReceived"))
                .body("sent_coin_amount", equalTo("100.00"));
        given().post("/sandbox/control/orders/" + id + "/advance").then().statusCode(200)
                .body("order_state", equalTo("WaitingForDelivery")).body("payment_state", equalTo("PaymentCompleted"));
        given().post("/sandbox/control/orders/" + id + "/advance").then().statusCode(200)
                .body("order_state", equalTo("Done"))
                .body("deliveries[0].delivery_state", equalTo("Delivered"))
                .body("deliveries[0].deliverable.pin_code", not(nullValue()))
                .body("deliveries[0].deliverable.pin_serial", not(nullValue()))
                .body("deliveries[0].deliverable.barcode_image_url", not(nullValue()))
                .body("deliveries[0].deliverable.redeem_instructions", not(nullValue()));
        assertTrue(sandbox.order(id).orElseThrow().get("updated_at").decimalValue().compareTo(createdUpdatedAt) > 0);
        given().post("/sandbox/control/orders/" + id + "/advance").then().statusCode(409);
        upstream().get("/v5/orders/" + id).then().body("order_state", equalTo("Done"));
    }

    @Test
    void forcesAnyStateAndARemainingPath() {
        String id = createOrder();
        given().contentType(ContentType.JSON).body("{\"states\":[\"PaymentStarted\",\"Expired\"]}")
                .post("/sandbox/control/orders/" + id + "/path").then().statusCode(200)
                .body("remaining_path", contains("PaymentStarted", "Expired"));
        sandbox.advance(id);
        assertEquals("Expired", sandbox.advance(id).get("order_state").asText());

        String other = createOrder();
        given().contentType(ContentType.JSON).body("{\"order_state\":\"SomethingNew\"}")
                .post("/sandbox/control/orders/" + other + "/state").then().statusCode(200)
                .body("order_state", equalTo("SomethingNew"));
        assertEquals(List.of("PaymentReceived", "WaitingForDelivery", "Done"), sandbox.remainingPath(other));
        sandbox.setState(other, "Refunded");
        upstream().get("/v5/orders/" + other).then().body("order_state", equalTo("Refunded"))
                .body("refund.currency", equalTo("USDC")).body("refund.amount", equalTo("100.00"))
                .body("refund.reason", not(nullValue()));
        given().get("/sandbox/control/orders/" + other).then().statusCode(200)
                .body("order.order_state", equalTo("Refunded")).body("remaining_path", hasSize(0));
        given().get("/sandbox/control/orders").then().statusCode(200).body("order.order_id",
                org.hamcrest.Matchers.hasItems(id, other));
        given().post("/sandbox/control/orders/" + java.util.UUID.randomUUID() + "/advance").then().statusCode(404);
    }

    @Test
    void autoAdvancesOnASchedule() {
        String id = createOrder();
        sandbox.autoAdvance(java.time.Duration.ofMillis(100));
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> "Done".equals(sandbox.order(id).orElseThrow().get("order_state").asText()));
        } finally {
            sandbox.autoAdvance(java.time.Duration.ZERO);
        }
        assertTrue(sandbox.order(id).orElseThrow().at("/deliveries/0/deliverable/pin_code").isTextual());
    }

    @Test
    void createsOrdersThroughTheJavaApi() {
        var order = sandbox.createOrder("java@example.com", "Netflix", "GB", "25", 1, "USDT", "Polygon");
        assertEquals("WaitingForPayment", order.get("order_state").asText());
        assertEquals("25 GBP", order.at("/deliveries/0/deliverable/denomination").asText());
        assertEquals("31.75", order.get("coin_amount").asText());
        upstream().get("/v5/orders/" + order.get("order_id").asText()).then().statusCode(200)
                .body("network", equalTo("Polygon")).body("wallet_address", matchesPattern("0x[0-9a-f]{40}"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> sandbox.createOrder("java@example.com", "Steam", "US", "500", 1, "USDC", "Solana"));
    }
}
