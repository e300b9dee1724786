package io.orderrelay.console;

import java.util.UUID;

import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;

/** Orders placed through the API for the console's tests, each test with partners of its own. */
final class ConsoleOrders {

    private ConsoleOrders() {
    }

    static String partner() {
        return "console-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Places an order for {@code partner} with {@code reference}; answers the whole order as JSON path. */
    static io.restassured.path.json.JsonPath place(String partner, String reference) {
        String body = UpstreamFixtures.createBody("REF").replace("\"partner_id\": \"acme\"", "\"partner_id\": \"" + partner + "\"")
                .replace("\"client_reference\": \"REF\"", "\"client_reference\": " + json(reference));
        return Api.json(body).post("/v1/orders").then().statusCode(201).extract().jsonPath();
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
