package io.orderrelay.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.config.RelayConfig;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Relay cycles driven by the test: a relay dying between acknowledgement and commit, and two relays at once. */
@QuarkusTest
@TestProfile(RelayDisabled.class)
@WithTestResource(WireMockUpstream.class)
class RelayRedeliveryIT {

    @InjectUpstream
    WireMockServer upstream;
    @Inject
    EntityManager em;
    @Inject
    OutboxStore store;
    @Inject
    OutboxRelay relay;
    @Inject
    DataSource db;
    @Inject
    RelayConfig config;
    @Inject
    OutboxConfig outboxConfig;
    @Inject
    OutboxMetrics metrics;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aRelayKilledBeforeMarkingRowsSentLeadsToTheSameEventsAgainWithTheSameIds() throws Exception {
        OrderDriver.Placed order = new OrderDriver(upstream).placeAndComplete();
        try (TopicReader topic = new TopicReader(bootstrap, config.kafka().topic())) {
            // The real relay cycle sends and gets the broker's acknowledgement, then dies before its commit: the
            // database refuses to mark this order's rows sent, so the cycle's transaction rolls back.
            try (MarkSentRefused refused = new MarkSentRefused(order.id())) {
                assertThrows(RuntimeException.class, relay::publishBatch);
            }
            assertEquals(OrderDriver.LIFECYCLE_TRANSITIONS, pending(order.id()), "nothing marked sent");
            await().atMost(Duration.ofSeconds(30)).until(() -> topic.recordsOf(List.of(order.id())).size() == 1);

            // The next relay cycles publish everything, the first event once more.
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                relay.publishBatch();
                return pending(order.id()) == 0;
            });

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> topic.recordsOf(List.of(order.id())).size() == OrderDriver.LIFECYCLE_TRANSITIONS + 1);
            List<ConsumerRecord<String, byte[]>> records = topic.recordsOf(List.of(order.id()));
            assertEquals(TopicReader.header(records.get(0), "ce_id"), TopicReader.header(records.get(1), "ce_id"));
            assertArrayEquals(records.get(0).value(), records.get(1).value(), "the same envelope bytes again");
            assertEquals(List.of(1, 1, 2, 3, 4, 5), records.stream()
                    .map(r -> TopicReader.envelope(r).at("/data/sequence").asInt()).toList());
            assertEquals(List.of(1, 2, 3, 4, 5), TopicReader.dedupedByOrder(records).get(order.id().toString()).stream()
                    .map(e -> e.at("/data/sequence").asInt()).toList());
        }
    }

    /** A trigger that fails any statement marking the order's outbox rows sent: a relay dying before its commit. */
    private final class MarkSentRefused implements AutoCloseable {

        MarkSentRefused(UUID orderId) throws SQLException {
            execute("""
                    create or replace function test_refuse_mark_sent() returns trigger language plpgsql as $$
                    begin raise exception 'relay died before its commit (test)'; end $$""");
            execute("drop trigger if exists test_refuse_mark_sent on outbox");
            execute("create trigger test_refuse_mark_sent before update of sent_at on outbox for each row "
                    + "when (new.order_id = '" + orderId + "') execute function test_refuse_mark_sent()");
        }

        @Override
        public void close() throws SQLException {
            execute("drop trigger if exists test_refuse_mark_sent on outbox");
            execute("drop function if exists test_refuse_mark_sent()");
        }

        private void execute(String sql) throws SQLException {
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                st.execute(sql);
            }
        }
    }

    @Test
    void claimsOnlyTheLowestPendingSequenceOfEachOrderAndNothingOfAnOrderAnotherRelayHolds() throws Exception {
        OrderDriver.Placed order = new OrderDriver(upstream).placeAndComplete();
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<List<OutboxRow>> first = CompletableFuture.supplyAsync(() ->
                QuarkusTransaction.requiringNew().call(() -> {
                    List<OutboxRow> rows = ofOrder(store.claimHeads(1000), order.id());
                    claimed.countDown();
                    release.await(20, TimeUnit.SECONDS);
                    return rows;
                }));
        assertTrue(claimed.await(20, TimeUnit.SECONDS));

        List<OutboxRow> second = QuarkusTransaction.requiringNew().call(() -> ofOrder(store.claimHeads(1000), order.id()));
        release.countDown();

        assertEquals(List.of(1), first.get(20, TimeUnit.SECONDS).stream().map(OutboxRow::sequence).toList(),
                "one relay gets the order's first pending row only");
        assertEquals(List.of(), second.stream().map(OutboxRow::sequence).toList(),
                "another relay gets neither that row nor the order's later ones");
    }

    /**
     * Fails with relay.outbox.concurrent-batches=1 (or with startLoop starting one loop whatever it says): the one
     * cycle waits for the held order's acknowledgement, and the other order's rows wait behind it.
     */
    @Test
    void whileOneCycleWaitsForTheBrokerAnotherPublishesTheRowsCommittedMeanwhileButNoLaterRowOfTheWaitingOrder()
            throws Exception {
        List<OutboxRow> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        CompletableFuture<Void> heldAck = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<UUID> held = new java.util.concurrent.atomic.AtomicReference<>();
        OutboxRelay twoLoops = new OutboxRelay(store, row -> {
            sent.add(row);
            // the first order's acknowledgements never come until the test releases them: a slow broker
            return row.orderId().equals(held.get()) ? heldAck : CompletableFuture.completedFuture(null);
        }, metrics, withConcurrentBatches(2));
        OrderDriver driver = new OrderDriver(upstream);
        OrderDriver.Placed slow = driver.place();
        held.set(slow.id());
        twoLoops.startLoop();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> sequencesSent(sent, slow.id()).equals(List.of(1)));
            driver.complete(slow);
            OrderDriver.Placed other = driver.placeAndComplete();

            await().atMost(Duration.ofSeconds(30)).until(() -> sequencesSent(sent, other.id()).size() == 5);
            assertEquals(List.of(1, 2, 3, 4, 5), sequencesSent(sent, other.id()), "the other order, in order, meanwhile");
            assertEquals(List.of(1), sequencesSent(sent, slow.id()), "nothing after the unacknowledged row of its order");

            heldAck.complete(null);
            await().atMost(Duration.ofSeconds(30)).until(() -> pending(slow.id()) == 0);
            assertEquals(List.of(1, 2, 3, 4, 5), sequencesSent(sent, slow.id()));
        } finally {
            heldAck.complete(null);
            twoLoops.stopLoop();
        }
    }

    private static List<Integer> sequencesSent(List<OutboxRow> sent, UUID orderId) {
        return sent.stream().filter(r -> r.orderId().equals(orderId)).map(OutboxRow::sequence).toList();
    }

    /** The application's outbox settings, with {@code concurrentBatches} cycles at once. */
    private OutboxConfig withConcurrentBatches(int n) {
        return (OutboxConfig) java.lang.reflect.Proxy.newProxyInstance(OutboxConfig.class.getClassLoader(),
                new Class<?>[] {OutboxConfig.class}, (proxy, method, args) -> "concurrentBatches".equals(method.getName())
                        ? n : method.invoke(outboxConfig, args));
    }

    private static List<OutboxRow> ofOrder(List<OutboxRow> rows, UUID orderId) {
        return rows.stream().filter(r -> r.orderId().equals(orderId)).toList();
    }

    private long pending(UUID orderId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("select count(*) from outbox where sent_at is null and order_id = ?1")
                .setParameter(1, orderId).getSingleResult()).longValue());
    }
}
