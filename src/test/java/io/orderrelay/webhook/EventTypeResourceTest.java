package io.orderrelay.webhook;

import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.junit.jupiter.api.Assertions.assertEquals;


import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.orderrelay.support.EventContracts;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

/** GET /v1/event-types: every subscribable type, with a schema that is served and an example that follows it. */
@QuarkusTest
class EventTypeResourceTest {

    @Test
    void everyKnownTypeIsListedWithItsSchemaAndAnExampleThatFollowsIt() throws Exception {
        String key = TestKeys.key("event types reader", "acme", "orders:read");
        String body = RestAssured.given().header("Authorization", TestKeys.bearer(key)).get("/v1/event-types")
                .then().statusCode(200).body("items.type", containsInAnyOrder(EventTypes.KNOWN.toArray()))
                .extract().asString();

        JsonNode items = new ObjectMapper().readTree(body).get("items");
        for (JsonNode item : items) {
            String type = item.get("type").asText();
            String schema = item.get("schema").asText();
            RestAssured.given().get(schema).then().statusCode(200);
            if (type.equals(EventTypes.ALL_ORDERS)) {
                assertEquals(null, item.get("example"), "order.* is a subscription, not an event");
                continue;
            }
            JsonNode example = item.get("example");
            assertEquals(type, example.get("type").asText());
            assertEquals(java.util.Set.of(), EventContracts.violations(schema.substring(schema.lastIndexOf('/') + 1),
                    example), type + "'s example follows " + schema);
        }
    }

    @Test
    void aCallerWithoutAKeyIsRefused() {
        RestAssured.given().get("/v1/event-types").then().statusCode(401);
        Api.given().get("/v1/event-types").then().statusCode(200);
    }
}
