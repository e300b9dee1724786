package io.orderrelay.webhook;

import static io.orderrelay.webhook.WebhookFixtures.endpoint;
import static io.orderrelay.webhook.WebhookFixtures.endpointPath;
import static io.orderrelay.webhook.WebhookFixtures.partner;
import static io.orderrelay.webhook.WebhookFixtures.placeOrder;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import io.orderrelay.order.TransitionWriter;
import io.orderrelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Webhook rows do not stay forever: sealed redemption bodies go when a delivery ends, old rows are pruned. */
@QuarkusTest
class WebhookRetentionIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TransitionWriter writer;

    @Inject
    DataSource db;

    @Inject
    WebhookHousekeeping housekeeping;

    @Inject
    WebhookDispatcher dispatcher;

    private final Receivers receivers = new Receivers();

    @AfterEach
    void close() {
        receivers.close();
        dispatcher.start();
    }

    private String body(UUID deliveryId) throws SQLException {
        try (var c = db.getConnection(); var st = c.prepareStatement("select body from webhook_deliveries where id = ?")) {
            st.setObject(1, deliveryId);
            try (var rs = st.executeQuery()) {
                assertTrue(rs.next(), "delivery " + deliveryId);
                return rs.getString(1);
            }
        }
    }

    private static UUID onlyDelivery(String partner, JsonPath ep) {
        return UUID.fromString(Api.given().get(endpointPath(partner, ep) + "/deliveries").then().statusCode(200)
                .body("items", hasSize(1)).extract().path("items[0].id"));
    }

    @Test
    void redemptionBodiesAreRemovedOnceDeliveredOrGivenUpAndARetryRebuildsThemFromTheOrder() throws Exception {
        String partner = partner();
        Receiver ok = receivers.open();
        Receiver down = receivers.open();
        down.policy(req -> new Receiver.Reply(503, 0));
        Receiver plain = receivers.open();
        String done = "\"event_types\": [\"order.done\"]";
        JsonPath okEp = endpoint(partner, ok.url("/ok"), "\"include_secrets\": true, " + done);
        JsonPath downEp = endpoint(partner, down.url("/down"), "\"include_secrets\": true, " + done);
        JsonPath plainEp = endpoint(partner, plain.url("/plain"), done);
        UUID order = placeOrder(partner);
        WebhookFixtures.doneWithPin(writer, order, WebhookFixtures.upstreamOrderId(order), "PIN-7777-KEPT");

        await().atMost(WAIT).untilAsserted(() -> Api.given().get(endpointPath(partner, okEp) + "/deliveries").then()
                .body("items[0].status", equalTo("succeeded")));
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(endpointPath(partner, downEp) + "/deliveries").then()
                .body("items[0].status", equalTo("failed")));
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(endpointPath(partner, plainEp) + "/deliveries").then()
                .body("items[0].status", equalTo("succeeded")));
        assertEquals("PIN-7777-KEPT", ok.requests().get(0).json().at("/data/order/deliveries/0/redemption/pin_code")
                .asText());
        // delivered or given up: the sealed redemption body is gone; the plain body stays (replay resends it)
        assertNull(body(onlyDelivery(partner, okEp)));
        UUID downDelivery = onlyDelivery(partner, downEp);
        assertNull(body(downDelivery));
        assertNotNull(body(onlyDelivery(partner, plainEp)));

        // a retry by hand rebuilds the body from the order, redemption included, sealed again at rest
        down.policy(req -> Receiver.Reply.ok());
        Api.given().post(endpointPath(partner, downEp) + "/deliveries/" + downDelivery + "/retry").then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(endpointPath(partner, downEp) + "/deliveries").then()
                .body("items[0].status", equalTo("succeeded")));
        Receiver.Received resent = down.requests().get(down.requests().size() - 1);
        assertEquals("PIN-7777-KEPT", resent.json().at("/data/order/deliveries/0/redemption/pin_code").asText());
        assertEquals(ok.requests().get(0).id(), resent.id(), "same event id");
        assertNull(body(downDelivery));
    }

    @Test
    void deliveriesAndAttemptsOlderThanTheRetentionArePrunedAndRecentOnesKept() throws Exception {
        String partner = partner();
        Receiver r = receivers.open();
        JsonPath ep = endpoint(partner, r.url("/kept"), "");
        placeOrder(partner);
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(endpointPath(partner, ep) + "/deliveries").then()
                .body("items", hasSize(2)).body("items.status", everyItem(equalTo("succeeded"))));
        List<String> ids = Api.given().get(endpointPath(partner, ep) + "/deliveries").then().extract().path("items.id");
        UUID recent = UUID.fromString(ids.get(0));
        UUID old = UUID.fromString(ids.get(1));
        // a line still waiting on a dead endpoint: never pruned, however old, or it would never finish
        dispatcher.stop();
        String other = partner();
        JsonPath stuck = endpoint(other, "https://127.0.0.1:9/dead", "");
        placeOrder(other);
        List<String> stuckIds = Api.given().get(endpointPath(other, stuck) + "/deliveries").then()
                .body("items", hasSize(2)).extract().path("items.id");
        try (var c = db.getConnection(); var st = c.createStatement()) {
            st.executeUpdate("update webhook_deliveries set created_at = now() - interval '40 days', "
                    + "completed_at = now() - interval '40 days' where id = '" + old + "'");
            st.executeUpdate("update webhook_attempts set at = now() - interval '40 days' where delivery_id = '" + old + "'");
            st.executeUpdate("update webhook_deliveries set created_at = now() - interval '40 days' "
                    + "where endpoint_id = '" + stuck.getString("id") + "'");
        }

        housekeeping.prune();

        List<String> left = Api.given().get(endpointPath(partner, ep) + "/deliveries").then().extract().path("items.id");
        assertEquals(List.of(recent.toString()), left);
        Api.given().get(endpointPath(partner, ep) + "/deliveries").then().body("items[0].attempts", hasSize(1));
        try (var c = db.getConnection(); var st = c.prepareStatement(
                "select count(*) from webhook_attempts where delivery_id = ?")) {
            st.setObject(1, old);
            try (var rs = st.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
        }
        Api.given().get(endpointPath(other, stuck) + "/deliveries").then().body("items", hasSize(2))
                .body("items.id", equalTo(stuckIds));
        assertFalse(left.contains(old.toString()));
    }
}
