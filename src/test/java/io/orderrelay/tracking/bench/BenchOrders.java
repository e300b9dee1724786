package io.orderrelay.tracking.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

/** Open orders for the benchmarks, written straight to the database (placement is measured elsewhere). */
public final class BenchOrders {

    private BenchOrders() {
    }

    /** One order in WaitingForPayment (transition 1) per upstream id, for {@code partner}; their ids. */
    public static List<UUID> insert(DataSource dataSource, String partner, List<String> upstreamIds) throws Exception {
        Timestamp now = Timestamp.from(Instant.now());
        List<UUID> ids = new java.util.ArrayList<>(upstreamIds.size());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement o = c.prepareStatement("""
                    insert into orders (id, partner_id, upstream_order_id, state, sequence, country_code, request, coin,
                                        payment_via, deliveries, created_at, updated_at)
                    values (?, ?, ?, 'WaitingForPayment', 1, 'US', '{}'::jsonb, 'USDC', 'USER_WALLET', '[]'::jsonb, ?, ?)""");
                    PreparedStatement t = c.prepareStatement("""
                            insert into order_transitions (order_id, sequence, event_id, from_state, to_state, occurred_at, source)
                            values (?, 1, ?, null, 'WaitingForPayment', ?, 'create')""")) {
                for (String id : upstreamIds) {
                    UUID orderId = UUID.randomUUID();
                    ids.add(orderId);
                    o.setObject(1, orderId);
                    o.setString(2, partner);
                    o.setString(3, id);
                    o.setTimestamp(4, now);
                    o.setTimestamp(5, now);
                    o.addBatch();
                    t.setObject(1, orderId);
                    t.setObject(2, UUID.randomUUID());
                    t.setTimestamp(3, now);
                    t.addBatch();
                }
                o.executeBatch();
                t.executeBatch();
            }
            c.commit();
        }
        return ids;
    }
}
