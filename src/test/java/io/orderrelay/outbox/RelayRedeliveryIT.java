package io.orderrelay.outbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.config.RelayConfig;
import io.orderrelay.order.TransitionWriter;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.narayana.jta.QuarkusTransactionException;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Relay cycles driven by the test: crash between send and acknowledgement, and two relays at once. */
@QuarkusTest
@TestProfile(RelayDisabled.class)
@WithTestResource(WireMockUpstream.class)
class RelayRedeliveryIT {

    @InjectUpstream
    WireMockServer upstream;
    @Inject
    TransitionWriter writer;
    @Inject
    ObjectMapper json;
    @Inject
    EntityManager em;
    @Inject
    OutboxStore store;
    @Inject
    OutboxRelay relay;
    @Inject
    TransitionPublisher publisher;
    @Inject
    RelayConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aRelayKilledBeforeMarkingRowsSentLeadsToTheSameEventsAgainWithTheSameIds() throws Exception {
        OrderDriver.Placed order = new OrderDriver(upstream, writer, json).placeAndComplete();
        try (TopicReader topic = new TopicReader(bootstrap, config.kafka().topic())) {
            // A relay that sends and gets the broker's acknowledgement, then dies before its commit.
            // (setRollbackOnly: the commit that would mark the rows never happens)
            assertThrows(QuarkusTransactionException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
                List<OutboxRow> claimed = store.claimHeads(1000).stream()
                        .filter(r -> r.orderId().equals(order.id())).toList();
                assertEquals(1, claimed.size());
                for (OutboxRow row : claimed) {
                    try {
                        publisher.send(row).get(10, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                QuarkusTransaction.setRollbackOnly();
            }));
            assertEquals(OrderDriver.LIFECYCLE_TRANSITIONS, pending(order.id()), "nothing marked sent");

            // The next relay publishes everything, the first event once more.
            while (pending(order.id()) > 0) {
                relay.publishBatch();
            }

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

    @Test
    void claimsOnlyTheLowestPendingSequenceOfEachOrderAndNothingOfAnOrderAnotherRelayHolds() throws Exception {
        OrderDriver.Placed order = new OrderDriver(upstream, writer, json).placeAndComplete();
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

    private static List<OutboxRow> ofOrder(List<OutboxRow> rows, UUID orderId) {
        return rows.stream().filter(r -> r.orderId().equals(orderId)).toList();
    }

    private long pending(UUID orderId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("select count(*) from outbox where sent_at is null and order_id = ?1")
                .setParameter(1, orderId).getSingleResult()).longValue());
    }
}
