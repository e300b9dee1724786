package io.orderrelay.outbox;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.config.RelayConfig;
import io.orderrelay.support.Api;
import io.orderrelay.support.EventContracts;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** End to end against the in-JVM broker: orders placed and moved on, read back from the topic. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class OutboxKafkaIT {

    @InjectUpstream
    WireMockServer upstream;
    @Inject
    EntityManager em;
    @Inject
    OutboxHousekeeping housekeeping;
    @Inject
    RelayConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private OrderDriver orders;
    private TopicReader topic;

    @BeforeEach
    void setUp() {
        upstream.resetAll();
        orders = new OrderDriver(upstream);
        topic = new TopicReader(bootstrap, config.kafka().topic());
    }

    @AfterEach
    void tearDown() {
        topic.close();
    }

    @Test
    void publishesEveryTransitionOfEveryOrderOnceInSequenceOrderKeyedByOrder() {
        List<UUID> ids = IntStream.range(0, 4).mapToObj(i -> orders.placeAndComplete().id()).toList();

        Map<String, List<JsonNode>> byOrder = awaitAllEvents(ids, OrderDriver.LIFECYCLE_TRANSITIONS);

        for (UUID id : ids) {
            List<JsonNode> events = byOrder.get(id.toString());
            assertEquals(List.of(1, 2, 3, 4, 5), events.stream().map(e -> e.at("/data/sequence").asInt()).toList());
            assertEquals(List.of("order.submitting", "order.waiting_for_payment", "order.payment_received",
                    "order.waiting_for_delivery", "order.done"), events.stream().map(e -> e.get("type").asText()).toList());
            List<Object> stored = Api.given().get("/v1/orders/" + id + "/transitions").then().extract().path("items.to_state");
            assertEquals(stored, events.stream().map(e -> e.at("/data/to_state").asText()).toList());
        }
        for (ConsumerRecord<String, byte[]> record : topic.recordsOf(ids)) {
            JsonNode envelope = TopicReader.envelope(record);
            assertEquals(envelope.get("subject").asText(), record.key());
            assertEquals(envelope.get("id").asText(), TopicReader.header(record, "ce_id"));
            assertEquals(envelope.get("type").asText(), TopicReader.header(record, "ce_type"));
        }
    }

    @Test
    void envelopesAreCloudEventsOfTheDesignedShapeWithoutSecretsOrEmail() {
        OrderDriver.Placed order = orders.placeAndComplete();

        awaitAllEvents(List.of(order.id()), OrderDriver.LIFECYCLE_TRANSITIONS);

        for (ConsumerRecord<String, byte[]> record : topic.recordsOf(List.of(order.id()))) {
            JsonNode envelope = TopicReader.envelope(record);
            assertEquals(Set.of(), EventContracts.violations(EventContracts.ORDER_EVENT, envelope));
            assertEquals(EventEnvelopes.DATA_SCHEMA, envelope.get("dataschema").asText());
            if (envelope.at("/data/sequence").asInt() > 1) {
                assertEquals(order.upstreamId(), envelope.at("/data/upstream_order_id").asText());
            }
            String text = new String(record.value(), StandardCharsets.UTF_8);
            assertFalse(text.contains(OrderDriver.PIN), "pin code on Kafka");
            assertFalse(text.contains("pin_code") || text.contains("redemption") || text.contains("redeem_instructions"),
                    "redemption data on Kafka");
            assertFalse(text.contains("buyer@example.com"), "end-user email on Kafka");
        }
        JsonNode first = TopicReader.envelope(topic.recordsOf(List.of(order.id())).get(0));
        assertTrue(first.get("data").has("from_state") && first.at("/data/from_state").isNull());
        assertEquals("create", first.at("/data/source").asText());
        assertEquals(first.at("/data/occurred_at").asText(), first.get("time").asText());
    }

    @Test
    void publishesExactlyTheStoredEnvelopeBytesAndMarksTheRowsSent() {
        OrderDriver.Placed order = orders.placeAndComplete();

        awaitAllEvents(List.of(order.id()), OrderDriver.LIFECYCLE_TRANSITIONS);

        await().atMost(Duration.ofSeconds(10)).until(() -> pendingRows(order.id()) == 0);
        for (ConsumerRecord<String, byte[]> record : topic.recordsOf(List.of(order.id()))) {
            UUID eventId = UUID.fromString(TopicReader.header(record, "ce_id"));
            byte[] stored = QuarkusTransaction.requiringNew().call(() -> (byte[]) em
                    .createNativeQuery("select payload from outbox where event_id = ?1")
                    .setParameter(1, eventId).getSingleResult());
            assertArrayEquals(stored, record.value());
        }
    }

    @Test
    void reportsReadinessAndMetricsOfTheOutbox() {
        OrderDriver.Placed order = orders.placeAndComplete();
        awaitAllEvents(List.of(order.id()), OrderDriver.LIFECYCLE_TRANSITIONS);

        RestAssured.given().get("/q/health/well").then().statusCode(200)
                .body("checks.find { it.name == 'Kafka outbox' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Kafka outbox' }.data.broker", equalTo("reachable"));
        // neither readiness nor liveness depend on Kafka
        RestAssured.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.not(hasItem("Kafka outbox")));
        RestAssured.given().get("/q/health/live").then().statusCode(200)
                .body("checks.name", org.hamcrest.Matchers.not(hasItem("Kafka outbox")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
            for (String name : List.of("relay_outbox_backlog_rows", "relay_outbox_oldest_pending_age_seconds", "relay_outbox_published_total",
                    "relay_outbox_publish_errors_total", "relay_outbox_commit_to_ack_seconds_count", "relay_outbox_parked_rows",
                    "relay_outbox_held_rows", "relay_outbox_parked_total",
                    "relay_outbox_commit_to_ack_seconds_bucket")) {
                assertTrue(metrics.contains(name), name + " missing from /q/metrics");
            }
        });
    }

    @Test
    void prunesRowsSentBeforeTheRetentionPeriodAndKeepsTheRest() {
        OrderDriver.Placed old = orders.placeAndComplete();
        OrderDriver.Placed recent = orders.placeAndComplete();
        awaitAllEvents(List.of(old.id(), recent.id()), OrderDriver.LIFECYCLE_TRANSITIONS);
        await().atMost(Duration.ofSeconds(10)).until(() -> pendingRows(old.id()) + pendingRows(recent.id()) == 0);
        QuarkusTransaction.requiringNew().run(() -> em
                .createNativeQuery("update outbox set sent_at = now() - interval '8 days' where order_id = ?1")
                .setParameter(1, old.id()).executeUpdate());

        housekeeping.prune();

        assertEquals(0, rows(old.id()));
        assertEquals(OrderDriver.LIFECYCLE_TRANSITIONS, rows(recent.id()));
    }

    private Map<String, List<JsonNode>> awaitAllEvents(List<UUID> ids, int perOrder) {
        List<Map<String, List<JsonNode>>> result = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, List<JsonNode>> byOrder = TopicReader.dedupedByOrder(topic.recordsOf(ids));
            boolean complete = ids.stream().allMatch(id -> byOrder.getOrDefault(id.toString(), List.of()).size() >= perOrder);
            if (complete) {
                result.add(byOrder);
            }
            return complete;
        });
        Map<String, List<JsonNode>> byOrder = result.get(0);
        ids.forEach(id -> assertEquals(perOrder, byOrder.get(id.toString()).size(), "distinct events of " + id));
        return byOrder;
    }

    private long pendingRows(UUID orderId) {
        return count("select count(*) from outbox where sent_at is null and order_id = ?1", orderId);
    }

    private long rows(UUID orderId) {
        return count("select count(*) from outbox where order_id = ?1", orderId);
    }

    private long count(String sql, UUID orderId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(sql)
                .setParameter(1, orderId).getSingleResult()).longValue());
    }
}
