package io.orderrelay.outbox;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.orderrelay.testing.LogCapture;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One order whose event Kafka refuses for good among healthy orders, on a topic and a producer with small
 * maximum sizes: the refused event is parked, only its own order waits, an admin skips or retries it.
 */
@QuarkusTest
@TestProfile(OutboxParkingIT.SmallRecords.class)
@WithTestResource(WireMockUpstream.class)
class OutboxParkingIT {

    static final String TOPIC = "order-transitions-parking";
    /** The broker refuses larger records on this topic (a healthy envelope is about 1.5 KB). */
    static final int TOPIC_MAX_BYTES = 5_000;
    /** The producer refuses larger records before sending them. */
    static final int PRODUCER_MAX_BYTES = 12_000;
    static final String PARKED = "/v1/admin/outbox/parked";

    public static class SmallRecords implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "relay.kafka.topic", TOPIC,
                    "kafka.max.request.size", String.valueOf(PRODUCER_MAX_BYTES),
                    "kafka.batch.size", "4096",
                    "relay.outbox.stats-every", "300ms",
                    "relay.outbox.retention", "2s",
                    "relay.outbox.prune-every", "1s",
                    "relay.outbox.prune-delay", "1s");
        }
    }

    @InjectUpstream
    WireMockServer upstream;
    @Inject
    EntityManager em;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private OrderDriver orders;
    private TopicReader topic;

    @BeforeEach
    void setUp() throws Exception {
        upstream.resetAll();
        orders = new OrderDriver(upstream);
        try (Admin admin = admin()) {
            if (!admin.listTopics().names().get().contains(TOPIC)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1)
                        .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(TOPIC_MAX_BYTES))))).all().get();
            }
            topicMaxBytes(admin, TOPIC_MAX_BYTES);
        }
        topic = new TopicReader(bootstrap, TOPIC);
    }

    @AfterEach
    void tearDown() {
        topic.close();
    }

    @Test
    void aRecordTheProducerRefusesIsParkedAndHoldsBackOnlyItsOwnOrderUntilAnAdminSkipsIt() {
        // one long field: the envelope of event 3 exceeds the producer's max.request.size
        OrderDriver.Placed poisoned = orders.placeAndComplete(n -> n.put("qr_url", "https://example.test/" + "q".repeat(14_000)));
        List<UUID> healthy = IntStream.range(0, 6).mapToObj(i -> orders.placeAndComplete().id()).toList();

        awaitEvents(healthy, OrderDriver.LIFECYCLE_TRANSITIONS);
        UUID refused = eventId(poisoned.id(), 3);
        JsonPath list = awaitParked(refused);
        assertEquals(poisoned.id().toString(), list.getString("items[0].order_id"));
        assertEquals(3, list.getInt("items[0].sequence"));
        assertEquals("order.payment_received", list.getString("items[0].type"));
        assertTrue(list.getString("items[0].reason").startsWith("RecordTooLargeException"), list.getString("items[0].reason"));
        assertTrue(list.getInt("items[0].size_bytes") > PRODUCER_MAX_BYTES);
        assertTrue(list.getString("items[0].parked_at") != null);
        assertEquals(1, list.getInt("total"));
        // its order's later events wait, in the outbox, behind it; and the parked row is not tried again
        double parkedOnce = metric("relay_outbox_parked_total");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> sequences(poisoned.id()).equals(List.of(1, 2)) && metric("relay_outbox_parked_total") == parkedOnce);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertEquals(1.0, metric("relay_outbox_parked_rows"));
            assertEquals(2.0, metric("relay_outbox_held_rows"));
            assertEquals(0.0, metric("relay_outbox_backlog_rows"), "held rows are not the backlog");
        });
        // readiness says this replica can serve; the wellness check and the gauges say what is wrong
        RestAssured.get("/q/health/ready").then().statusCode(200);
        RestAssured.get("/q/health/well").then().statusCode(503)
                .body("checks.find { it.name == 'Kafka outbox' }.data.parked_rows", equalTo(1));
        // sent rows are pruned on schedule (retention 2 s here); the parked row and the rows behind it never are
        await().atMost(Duration.ofSeconds(20)).until(() -> outboxRows(healthy) == 0);
        assertEquals(3, outboxRows(List.of(poisoned.id())), "the parked row and the two behind it are kept");

        try (LogCapture logs = LogCapture.start()) {
            Api.given().post(PARKED + "/" + refused + "/skip").then().statusCode(200)
                    .body("id", equalTo(refused.toString())).body("status", equalTo("skipped"))
                    .body("sequence", equalTo(3));
            assertTrue(logs.records().stream().anyMatch(r -> r.contains("Audit: parked outbox event " + refused)
                    && r.contains("skipped by API key bootstrap")), "skip audited");
            logs.assertNoneContains(Api.ADMIN_KEY);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> sequences(poisoned.id()).equals(List.of(1, 2, 4, 5)));
        Api.given().get(PARKED).then().statusCode(200).body("total", equalTo(0));
        Api.given().post(PARKED + "/" + refused + "/skip").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("skipped"));
        Api.given().post(PARKED + "/" + refused + "/retry").then().statusCode(409)
                .contentType("application/problem+json");
    }

    @Test
    void aRecordTheBrokerRefusesIsParkedAndARetryPublishesItInOrderOnceTheTopicAcceptsIt() throws Exception {
        // small enough for the producer, too large for the topic: refused by the broker
        OrderDriver.Placed poisoned = orders.placeAndComplete(n -> n.put("qr_text", "solana:" + "t".repeat(4_000)));
        List<UUID> healthy = IntStream.range(0, 4).mapToObj(i -> orders.placeAndComplete().id()).toList();

        awaitEvents(healthy, OrderDriver.LIFECYCLE_TRANSITIONS);
        UUID refused = eventId(poisoned.id(), 3);
        JsonPath list = awaitParked(refused);
        assertTrue(list.getString("items[0].reason").startsWith("RecordTooLargeException"), list.getString("items[0].reason"));
        int size = list.getInt("items[0].size_bytes");
        assertTrue(size > TOPIC_MAX_BYTES && size < PRODUCER_MAX_BYTES, "refused by the broker: " + size);

        // retried while the topic still refuses it: parked again, nothing else changes
        Api.given().post(PARKED + "/" + refused + "/retry").then().statusCode(202).body("status", equalTo("pending"));
        awaitParked(refused);
        assertEquals(List.of(1, 2), sequences(poisoned.id()));

        try (Admin admin = admin()) {
            topicMaxBytes(admin, 1_048_588);
        }
        try (LogCapture logs = LogCapture.start()) {
            Api.given().post(PARKED + "/" + refused + "/retry").then().statusCode(202)
                    .body("id", equalTo(refused.toString())).body("order_id", equalTo(poisoned.id().toString()))
                    .body("status", equalTo("pending"));
            assertTrue(logs.records().stream().anyMatch(r -> r.contains("Audit: parked outbox event " + refused)
                    && r.contains("retried by API key bootstrap")), "retry audited");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> sequences(poisoned.id()).equals(List.of(1, 2, 3, 4, 5)));
        Api.given().post(PARKED + "/" + refused + "/retry").then().statusCode(409).body("detail", containsString("sent"));
    }

    @Test
    void theAdminApiAnswersProblemsForUnknownMalformedAndUnauthorisedCalls() {
        UUID unknown = UUID.randomUUID();
        Api.given().post(PARKED + "/" + unknown + "/retry").then().statusCode(404)
                .contentType("application/problem+json");
        Api.given().post(PARKED + "/" + unknown + "/skip").then().statusCode(404)
                .contentType("application/problem+json");
        Api.given().post(PARKED + "/not-a-uuid/skip").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("id"));
        Api.given().get(PARKED + "?limit=0").then().statusCode(400).body("errors[0].field", equalTo("limit"));
        String reader = TestKeys.key("parked-reader", null, "orders:read", "orders:write", "webhooks:manage");
        RestAssured.given().header("Authorization", TestKeys.bearer(reader)).get(PARKED).then().statusCode(403);
        RestAssured.given().header("Authorization", TestKeys.bearer(reader))
                .post(PARKED + "/" + unknown + "/skip").then().statusCode(403);
        RestAssured.given().get(PARKED).then().statusCode(401);

        OrderDriver.Placed order = orders.place();
        awaitEvents(List.of(order.id()), 2);
        // a published event is not parked
        Api.given().post(PARKED + "/" + eventId(order.id(), 1) + "/skip").then().statusCode(409)
                .body("detail", containsString("sent"));
    }

    private JsonPath awaitParked(UUID eventId) {
        List<JsonPath> found = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonPath page = Api.given().get(PARKED).then().statusCode(200).extract().jsonPath();
            if (page.getList("items.id").contains(eventId.toString())) {
                found.add(page);
                return true;
            }
            return false;
        });
        return found.get(0);
    }

    private void awaitEvents(List<UUID> ids, int perOrder) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, List<JsonNode>> byOrder = TopicReader.dedupedByOrder(topic.recordsOf(ids));
            return ids.stream().allMatch(id -> byOrder.getOrDefault(id.toString(), List.of()).size() >= perOrder);
        });
        Map<String, List<JsonNode>> byOrder = TopicReader.dedupedByOrder(topic.recordsOf(ids));
        for (UUID id : ids) {
            assertEquals(IntStream.rangeClosed(1, perOrder).boxed().toList(), byOrder.get(id.toString()).stream()
                    .map(e -> e.at("/data/sequence").asInt()).toList(), "events of " + id + " in sequence order");
        }
    }

    /** The distinct sequences of the order's events on the topic, in the order read. */
    private List<Integer> sequences(UUID orderId) {
        return TopicReader.dedupedByOrder(topic.recordsOf(Set.of(orderId))).getOrDefault(orderId.toString(), List.of())
                .stream().map(e -> e.at("/data/sequence").asInt()).toList();
    }

    private UUID eventId(UUID orderId, int sequence) {
        return QuarkusTransaction.requiringNew().call(() -> (UUID) em
                .createNativeQuery("select event_id from order_transitions where order_id = ?1 and sequence = ?2")
                .setParameter(1, orderId).setParameter(2, sequence).getSingleResult());
    }

    private long outboxRows(List<UUID> orderIds) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("select count(*) from outbox where order_id = any(?1)")
                .setParameter(1, orderIds.toArray(UUID[]::new)).getSingleResult()).longValue());
    }

    private static double metric(String name) {
        String text = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError(name + " missing from /q/metrics"));
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static void topicMaxBytes(Admin admin, int bytes) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
        admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(bytes)), AlterConfigOp.OpType.SET))))
                .all().get();
    }
}
