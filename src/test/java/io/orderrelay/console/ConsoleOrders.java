package io.orderrelay.console;

import java.util.UUID;

import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;

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

    /**
     * Parks an event of the order as the relay parks one Kafka refused for good (OutboxParkingIT makes real ones):
     * a copy of the order's latest event under a new id, in the row and in the envelope (every record on the topic
     * must pass the event contract, support.EventContracts), so that a retry publishes a repeat of a sequence
     * consumers already applied, which they drop.
     */
    static UUID park(EntityManager em, String orderId) {
        UUID eventId = UUID.randomUUID();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                insert into outbox (event_id, order_id, sequence, type, payload, created_at, parked_at, park_reason)
                select ?1, order_id, 1000 + (select count(*) from outbox where order_id = ?2), type,
                       convert_to(jsonb_set(convert_from(payload, 'UTF8')::jsonb, '{id}', to_jsonb(cast(?3 as text)))::text, 'UTF8'),
                       now(), now(),
                       'RecordTooLargeException: console test'
                from outbox where order_id = ?2 order by sequence desc limit 1""")
                .setParameter(1, eventId).setParameter(2, UUID.fromString(orderId)).setParameter(3, eventId.toString())
                .executeUpdate());
        return eventId;
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
