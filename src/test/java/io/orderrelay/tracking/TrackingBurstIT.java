package io.orderrelay.tracking;

import static io.orderrelay.tracking.TrackingFixtures.WAIT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import javax.sql.DataSource;

import io.orderrelay.order.OrderState;
import io.orderrelay.sandbox.SandboxControl;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A burst of changes far larger than the observation workers can absorb in one lease period (test profile: lease
 * 2 s, renewed every 500 ms): many followed orders move at once while the database cannot take their writes (their
 * rows are locked, and in the first test every connection of the application's main pool is taken too). The replica
 * must keep every lease all along, stop reading the streams it cannot keep up with, and still record every change
 * exactly once, in order, when the database comes back.
 */
@QuarkusTest
class TrackingBurstIT {

    private static final int ORDERS = Integer.getInteger("burst.orders", 200);
    /** Two lease periods of the test profile: a starved renewal would have let every lease expire. */
    private static final Duration STALL = Duration.ofSeconds(5);

    @Inject
    SandboxControl sandbox;

    @Inject
    TrackingService tracking;

    @Inject
    TrackingMetrics metrics;

    @Inject
    DataSource mainPool;

    @Inject
    EntityManager em;

    private final Map<UUID, String> orders = new HashMap<>();

    /** Open orders left by other test classes would crowd this replica: retire them (test data only). */
    @BeforeEach
    void onlyThisTestsOrdersAreOpen() {
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("update orders set state = 'Canceled' where state not in (:terminal)")
                    .setParameter("terminal", OrderState.TERMINAL).executeUpdate();
            em.createNativeQuery("delete from tracking_leases").executeUpdate();
        });
        tracking.restart();
    }

    @AfterEach
    void endTheOrders() {
        orders.values().forEach(up -> sandbox.setState(up, "Canceled"));
        await().atMost(WAIT).until(() -> tracking.tracker().heldOrders().stream().noneMatch(orders::containsKey));
    }

    @Test
    void aBurstOnASaturatedDatabaseLosesNoLeaseAndEveryOrderStillMovesExactlyOnce() throws Exception {
        try (Connection check = plainConnection()) {
            Tracker tracker = followNewOrders(check);
            double lostBefore = metrics.leasesLost();

            try (Connection locker = lockOrders(); PoolHog hog = new PoolHog(mainPool)) {
                hog.start(); // and no free connection left in the main pool
                orders.values().forEach(sandbox::advance); // the burst: every order moves at once

                await("every lease kept, no subscriber stopped, while the database is saturated").during(STALL)
                        .atMost(STALL.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> liveLeasesOf(check, tracker.owner()) == ORDERS
                                && metrics.leasesLost() == lostBefore
                                && tracker.heldOrders().containsAll(orders.keySet()));
                assertEquals(0, countIn(check, "PaymentReceived"), "the stall held every write back");
                locker.commit();
            }

            await("every order in its new state").atMost(WAIT).until(() -> countIn(check, "PaymentReceived") == ORDERS);
            assertEquals(lostBefore, metrics.leasesLost(), "leases lost during the burst");
            assertEquals(ORDERS, liveLeasesOf(check, tracker.owner()));
            await().atMost(WAIT).until(() -> orders.values().stream().allMatch(up -> sandbox.subscriberCount(up) == 1));
            assertEquals(Map.of(), transitionsOtherThan(check, List.of("WaitingForPayment", "PaymentReceived")),
                    "every order: exactly WaitingForPayment (1) then PaymentReceived (2)");
        }
    }

    @Test
    void aSaturatedQueuePausesTheStreamsAndTheirChangesAreAppliedInBatchesOnceTheDatabaseCatchesUp() throws Exception {
        int queue = ConfigProvider.getConfig().getValue("relay.tracking.observation-queue", Integer.class);
        try (Connection check = plainConnection()) {
            followNewOrders(check);
            try (Connection locker = lockOrders()) {
                orders.values().forEach(sandbox::advance);
                await("the queue full and streams no longer read").atMost(WAIT)
                        .until(() -> metrics.queueDepth() == queue && metrics.pausedStreams() > 0);
                // a second wave while paused: it waits in the connections, not in our memory
                orders.values().forEach(sandbox::advance);
                await("still saturated, nothing written").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                        .until(() -> metrics.queueDepth() <= queue && metrics.pausedStreams() > 0);
                assertEquals(0, countIn(check, "PaymentReceived") + countIn(check, "WaitingForDelivery"));
                locker.commit();
            }
            await("every order through both waves").atMost(WAIT)
                    .until(() -> countIn(check, "WaitingForDelivery") == ORDERS);
            assertEquals(Map.of(), transitionsOtherThan(check, List.of("WaitingForPayment", "PaymentReceived",
                    "WaitingForDelivery")), "every change recorded once, in order, without gaps");
            await("streams read again").atMost(WAIT).until(() -> metrics.pausedStreams() == 0);
            assertTrue(metrics.batchSizes().max() > 1, "observations that queued up were applied together");
            // rows written by one transaction share its id (xmin): the first wave's transitions took fewer commits
            assertTrue(transactionsThatWrote(check, "PaymentReceived") < ORDERS, "transitions committed together");
        }
    }

    /** Creates the orders, and waits until this replica follows each of them on a live stream. */
    private Tracker followNewOrders(Connection check) throws SQLException {
        insertOpenOrders(check);
        Tracker tracker = tracking.tracker();
        await("every order followed").atMost(WAIT).until(() -> tracker.heldOrders().containsAll(orders.keySet())
                && orders.values().stream().allMatch(up -> sandbox.subscriberCount(up) == 1));
        return tracker;
    }

    /**
     * The orders' rows locked: every observation write waits for as long as this transaction lasts. In id order, as
     * the workers lock them (a reconciling GET may be applied meanwhile): no deadlock.
     */
    private Connection lockOrders() throws SQLException {
        Connection locker = mainPool.getConnection();
        locker.setAutoCommit(false);
        try (PreparedStatement lock = locker.prepareStatement(
                "select id from orders where id = any(?) order by id for update")) {
            lock.setArray(1, locker.createArrayOf("uuid", orders.keySet().toArray()));
            lock.executeQuery().close();
        }
        return locker;
    }

    // ---- fixtures: open orders as the create leaves them, straight in the database ----

    private void insertOpenOrders(Connection c) throws SQLException {
        for (int i = 0; i < ORDERS; i++) {
            orders.put(UUID.randomUUID(), sandbox.createOrder("burst" + i + "@example.com").get("order_id").asText());
        }
        Timestamp now = Timestamp.from(Instant.now());
        try (PreparedStatement o = c.prepareStatement("""
                insert into orders (id, partner_id, upstream_order_id, state, sequence, country_code, request, coin,
                                    payment_via, deliveries, created_at, updated_at)
                values (?, 'burst', ?, 'WaitingForPayment', 1, 'US', '{}'::jsonb, 'USDC', 'USER_WALLET', '[]'::jsonb, ?, ?)""");
                PreparedStatement t = c.prepareStatement("""
                        insert into order_transitions (order_id, sequence, event_id, from_state, to_state, occurred_at, source)
                        values (?, 1, ?, null, 'WaitingForPayment', ?, 'create')""")) {
            for (Map.Entry<UUID, String> e : orders.entrySet()) {
                o.setObject(1, e.getKey());
                o.setString(2, e.getValue());
                o.setTimestamp(3, now);
                o.setTimestamp(4, now);
                o.addBatch();
                t.setObject(1, e.getKey());
                t.setObject(2, UUID.randomUUID());
                t.setTimestamp(3, now);
                t.addBatch();
            }
            o.executeBatch();
            t.executeBatch();
        }
        tracking.tracker().wake();
    }

    /** Checks run on a connection of their own, outside the application's pools (which the test saturates). */
    private static Connection plainConnection() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getOptionalValue("quarkus.datasource.username", String.class).orElse(null),
                config.getOptionalValue("quarkus.datasource.password", String.class).orElse(null));
    }

    private int liveLeasesOf(Connection c, String owner) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select count(*) from tracking_leases where order_id = any(?) and owner = ? and expires_at > now()")) {
            s.setArray(1, c.createArrayOf("uuid", orders.keySet().toArray()));
            s.setString(2, owner);
            return single(s);
        }
    }

    private int countIn(Connection c, String state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select count(*) from orders where id = any(?) and state = ?")) {
            s.setArray(1, c.createArrayOf("uuid", orders.keySet().toArray()));
            s.setString(2, state);
            return single(s);
        }
    }

    /** How many transactions wrote the orders' transitions to {@code state}. */
    private int transactionsThatWrote(Connection c, String state) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select count(distinct xmin::text) from order_transitions where order_id = any(?) and to_state = ?")) {
            s.setArray(1, c.createArrayOf("uuid", orders.keySet().toArray()));
            s.setString(2, state);
            return single(s);
        }
    }

    /** Orders whose transitions are not exactly {@code states}, numbered 1..n. */
    private Map<UUID, String> transitionsOtherThan(Connection c, List<String> states) throws SQLException {
        Map<UUID, String> wrong = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                select order_id, string_agg(sequence || ':' || to_state, ',' order by sequence)
                from order_transitions where order_id = any(?) group by order_id""")) {
            s.setArray(1, c.createArrayOf("uuid", orders.keySet().toArray()));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < states.size(); i++) {
                expected.add((i + 1) + ":" + states.get(i));
            }
            String want = String.join(",", expected);
            int seen = 0;
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    seen++;
                    if (!want.equals(r.getString(2))) {
                        wrong.put(r.getObject(1, UUID.class), r.getString(2));
                    }
                }
            }
            assertEquals(ORDERS, seen);
        }
        return wrong;
    }

    private static int single(PreparedStatement s) throws SQLException {
        try (ResultSet r = s.executeQuery()) {
            r.next();
            return r.getInt(1);
        }
    }

    /**
     * Takes every connection of a pool as soon as it is free, until closed: what observation writes do to the main
     * pool when the database is slow.
     */
    private static final class PoolHog implements AutoCloseable {
        private final DataSource pool;
        private final ConcurrentLinkedQueue<Connection> taken = new ConcurrentLinkedQueue<>();
        private final Thread thread;
        private volatile boolean closing;

        PoolHog(DataSource pool) {
            this.pool = pool;
            this.thread = new Thread(this::hog, "pool-hog");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void hog() {
            while (!closing) {
                try {
                    taken.add(pool.getConnection());
                } catch (SQLException e) {
                    // the pool stayed exhausted for a whole acquisition timeout: keep asking
                }
            }
        }

        @Override
        public void close() throws SQLException {
            closing = true;
            // a hog waiting in the pool gets the next connection given back, sees it is closing and stops
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                giveBack();
                return !thread.isAlive();
            });
            giveBack();
        }

        private void giveBack() throws SQLException {
            for (Connection c; (c = taken.poll()) != null;) {
                c.close();
            }
        }
    }
}
