package io.orderrelay.order;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import io.orderrelay.support.Api;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * A group of observations applied in one transaction (the trackers' group commit) keeps every invariant of one-by-one
 * application: per order, exactly one transition per real change, numbered without gap, in arrival order, each with
 * its outbox row and its webhook delivery, the later deliveries of an order waiting behind its first.
 */
@QuarkusTest
class TransitionGroupTest {

    @Inject
    TransitionWriter writer;
    @Inject
    DataSource db;

    @Test
    void aGroupRecordsOneGaplessTransitionPerRealChangeWithItsOutboxAndDeliveryRows() throws Exception {
        String partner = "group-" + UUID.randomUUID().toString().substring(0, 8);
        String endpoint = Api.json("{\"url\": \"http://127.0.0.1:9/hook\", \"event_types\": [\"order.*\"]}")
                .post("/v1/partners/" + partner + "/webhook-endpoints").then().statusCode(201).extract().path("id");
        UUID a = insertOrder(partner);
        UUID b = insertOrder(partner);

        List<TransitionWriter.Applied> applied = QuarkusTransaction.requiringNew().call(() -> writer.applyAll(List.of(
                change(a, "PaymentReceived"), change(b, "PaymentReceived"), change(a, "WaitingForDelivery"),
                change(a, "PaymentReceived"), change(a, "WaitingForPayment"), change(b, "PaymentReceived"))));

        assertEquals(List.of(true, true, true, false, false, false),
                applied.stream().map(r -> r.recorded().isPresent()).toList(), "a transition for each real change only");
        assertEquals(List.of("1 WaitingForPayment", "2 PaymentReceived", "3 WaitingForDelivery"), rows("""
                select sequence || ' ' || to_state from order_transitions where order_id = ? order by sequence""", a));
        assertEquals(List.of("1 WaitingForPayment", "2 PaymentReceived"), rows("""
                select sequence || ' ' || to_state from order_transitions where order_id = ? order by sequence""", b));
        assertEquals(List.of("2 order.payment_received", "3 order.waiting_for_delivery"), rows("""
                select o.sequence || ' ' || o.type from outbox o join order_transitions t on t.event_id = o.event_id
                where o.order_id = ? order by o.sequence""", a));
        assertEquals(List.of("2 order.payment_received"), rows("""
                select o.sequence || ' ' || o.type from outbox o join order_transitions t on t.event_id = o.event_id
                where o.order_id = ? order by o.sequence""", b));
        String deliveries = """
                select d.sequence || ' ' || d.status from webhook_deliveries d join order_transitions t on t.event_id = d.event_id
                where d.order_id = ? and d.endpoint_id = '%s' order by d.sequence""".formatted(endpoint);
        assertEquals(List.of("2 pending", "3 waiting"), rows(deliveries, a), "the order's second event waits behind its first");
        assertEquals(List.of("2 pending"), rows(deliveries, b));
    }

    @Test
    void aStatePassedInAnEarlierTransactionIsNotRecordedAgain() throws Exception {
        String partner = "passed-" + UUID.randomUUID().toString().substring(0, 8);
        UUID a = insertOrder(partner);
        UUID b = insertOrder(partner);
        QuarkusTransaction.requiringNew().run(() -> writer.applyAll(List.of(
                change(a, "PaymentReceived"), change(a, "WaitingForDelivery"), change(b, "PaymentReceived"))));

        // late messages of states each order already left (read from order_transitions, not this group), beside a
        // real change
        List<TransitionWriter.Applied> applied = QuarkusTransaction.requiringNew().call(() -> writer.applyAll(List.of(
                change(a, "PaymentReceived"), change(a, "WaitingForPayment"), change(b, "WaitingForPayment"),
                change(b, "WaitingForDelivery"))));

        assertEquals(List.of(false, false, false, true), applied.stream().map(r -> r.recorded().isPresent()).toList());
        assertEquals(List.of("1 WaitingForPayment", "2 PaymentReceived", "3 WaitingForDelivery"), rows("""
                select sequence || ' ' || to_state from order_transitions where order_id = ? order by sequence""", a));
        assertEquals(List.of("1 WaitingForPayment", "2 PaymentReceived", "3 WaitingForDelivery"), rows("""
                select sequence || ' ' || to_state from order_transitions where order_id = ? order by sequence""", b));
    }

    private static TransitionWriter.Change change(UUID order, String state) {
        return new TransitionWriter.Change(order, Observation.local(state, TransitionSource.STREAM));
    }

    /** An order in WaitingForPayment (transition 1) that no tracker follows (no upstream id). */
    private UUID insertOrder(String partner) throws Exception {
        UUID id = Ids.newId();
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection c = db.getConnection(); PreparedStatement o = c.prepareStatement("""
                insert into orders (id, partner_id, state, sequence, country_code, request, coin, payment_via, deliveries,
                                    created_at, updated_at)
                values (?, ?, 'WaitingForPayment', 1, 'US', '{}'::jsonb, 'USDC', 'USER_WALLET', '[]'::jsonb, ?, ?)""");
                PreparedStatement t = c.prepareStatement("""
                        insert into order_transitions (order_id, sequence, event_id, from_state, to_state, occurred_at, source)
                        values (?, 1, ?, null, 'WaitingForPayment', ?, 'create')""")) {
            o.setObject(1, id);
            o.setString(2, partner);
            o.setTimestamp(3, now);
            o.setTimestamp(4, now);
            o.executeUpdate();
            t.setObject(1, id);
            t.setObject(2, Ids.newId());
            t.setTimestamp(3, now);
            t.executeUpdate();
        }
        return id;
    }

    private List<String> rows(String sql, UUID order) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, order);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }
}
