package io.orderrelay.webhook;

import static org.hamcrest.Matchers.notNullValue;

import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderrelay.order.Observation;
import io.orderrelay.order.TransitionSource;
import io.orderrelay.order.TransitionWriter;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.upstream.UpstreamOrder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.path.json.JsonPath;

/** Orders, transitions and endpoints for webhook tests; each test uses its own partner id. */
final class WebhookFixtures {

    private WebhookFixtures() {
    }

    static String partner() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Places an order through /v1/orders against the sandbox: transitions Submitting, then upstream's first state. */
    static UUID placeOrder(String partnerId) {
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference())
                .replace("\"partner_id\": \"acme\"", "\"partner_id\": \"" + partnerId + "\"");
        String id = Api.json(body).post("/v1/orders").then().statusCode(201).body("id", notNullValue())
                .extract().path("id");
        return UUID.fromString(id);
    }

    static void transition(TransitionWriter writer, UUID orderId, String state) {
        QuarkusTransaction.requiringNew().run(() -> writer.apply(orderId, Observation.local(state, TransitionSource.OPERATOR)));
    }

    /** Upstream reports Done with a pin code: the transition carries redemption data. */
    static void doneWithPin(TransitionWriter writer, UUID orderId, String upstreamOrderId, String pin) throws Exception {
        String json = """
                {"order_id": "%s", "order_state": "Done", "updated_at": %d.5,
                 "deliveries": [{"id": "d-1", "delivery_state": "Delivered", "kind": "giftcard",
                   "deliverable": {"denomination": "100 USD", "brand_name": "Airbnb", "country_code": "US",
                                   "pin_code": "%s"}}]}
                """.formatted(upstreamOrderId, System.currentTimeMillis() / 1000 + 100_000, pin);
        UpstreamOrder snapshot = UpstreamOrder.parse(new ObjectMapper().readTree(json), null);
        QuarkusTransaction.requiringNew().run(() -> writer.apply(orderId,
                Observation.upstream(snapshot, TransitionSource.STREAM)));
    }

    static String upstreamOrderId(UUID orderId) {
        return Api.given().get("/v1/orders/" + orderId).then().statusCode(200).extract().path("upstream_order_id");
    }

    /** Creates an endpoint; {@code extra} is more JSON members, e.g. {@code "include_secrets": true}. */
    static JsonPath endpoint(String partnerId, String url, String extra) {
        String body = "{\"url\": \"" + url + "\", \"description\": \"test\"" + (extra.isEmpty() ? "" : ", " + extra) + "}";
        return Api.json(body).post("/v1/partners/" + partnerId + "/webhook-endpoints")
                .then().statusCode(201).extract().jsonPath();
    }

    /** The API path of an endpoint made by {@link #endpoint}. */
    static String endpointPath(String partnerId, JsonPath endpoint) {
        return "/v1/partners/" + partnerId + "/webhook-endpoints/" + endpoint.getString("id");
    }
}
