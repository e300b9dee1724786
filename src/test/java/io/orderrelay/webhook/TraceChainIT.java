package io.orderrelay.webhook;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.orderrelay.config.RelayConfig;
import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * One order, end to end, with every span kept in memory (the sampler records everything here): a caller's
 * traceparent on POST /v1/orders comes back as the trace of that order's first Kafka records and webhook deliveries,
 * and the trace holds the REST call, the upstream calls, the database, the Kafka publishes and the webhook attempts.
 * A replay sends the order's events again in the order's trace, the replay request linking to it. A later transition
 * (an upstream stream message) has a trace of its own, carried the same way.
 */
@QuarkusTest
@TestProfile(TraceChainIT.Sampled.class)
class TraceChainIT {

    public static class Sampled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.traces.sampler", "always_on",
                    "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();
    static final AttributeKey<String> ORDER_ID = AttributeKey.stringKey("order.id");

    @Inject
    InMemorySpanExporter spans;
    @Inject
    SandboxControl sandbox;
    @Inject
    RelayConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aCallersTraceparentComesBackOnTheOrdersKafkaRecordsAndWebhookDeliveries() throws Exception {
        String traceId = randomHex(16);
        String callerSpan = randomHex(8);
        String partner = WebhookFixtures.partner();
        try (Receiver receiver = new Receiver(); KafkaCompanion kafka = new KafkaCompanion(bootstrap)) {
            ConsumerTask<String, byte[]> topic = kafka
                    .<String, byte[]> consumeWithDeserializers(new StringDeserializer(), new ByteArrayDeserializer())
                    .withGroupId("trace-" + UUID.randomUUID()).withOffsetReset(OffsetResetStrategy.EARLIEST)
                    .fromTopics(config.kafka().topic());
            try {
                follow(topic, receiver, partner, traceId, callerSpan);
            } finally {
                topic.close();
            }
        }
    }

    private void follow(ConsumerTask<String, byte[]> topic, Receiver receiver, String partner, String traceId,
            String callerSpan) throws Exception {
        String endpoint = WebhookFixtures.endpointPath(partner, WebhookFixtures.endpoint(partner, receiver.url("/hook"), ""));
        java.time.Instant before = java.time.Instant.now().minusSeconds(60);
        String body = UpstreamFixtures.createBody(UpstreamFixtures.reference())
                .replace("\"partner_id\": \"acme\"", "\"partner_id\": \"" + partner + "\"");
        var placed = Api.json(body).header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .post("/v1/orders").then().statusCode(201).extract().jsonPath();
        UUID order = UUID.fromString(placed.getString("id"));

        // Submitting and upstream's first state: both caused by the placement request
        List<ConsumerRecord<String, byte[]>> first = await().atMost(WAIT)
                .until(() -> records(topic, order), r -> r.size() >= 2).subList(0, 2);
        List<Receiver.Received> delivered = await().atMost(WAIT)
                .until(() -> deliveries(receiver, order), d -> d.size() >= 2).subList(0, 2);
        for (ConsumerRecord<String, byte[]> record : first) {
            String stored = envelope(record).path("traceparent").asText(null);
            assertEquals(traceId, traceIdOf(stored), "envelope attribute (the stored cause)");
            assertEquals(traceId, traceIdOf(header(record, "traceparent")), "Kafka record header, cause " + stored);
        }
        for (Receiver.Received d : delivered) {
            assertEquals(traceId, traceIdOf(d.traceparent()), "webhook header");
            assertEquals(traceId, traceIdOf(d.json().path("traceparent").asText(null)), "webhook body envelope");
        }

        // the spans of that trace: REST call, upstream calls, database, Kafka publishes, webhook attempts
        // the REST span continues the caller's (the sandbox, upstream here, serves its calls in the same trace too)
        SpanData server = awaitSpan(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER
                && s.getParentSpanId().equals(callerSpan));
        assertTrue(server.getName().contains("/v1/orders"), server.getName());
        assertTrue(spansOf(traceId).stream().filter(s -> s.getKind() == SpanKind.CLIENT
                && !s.getName().equals("webhook attempt")).count() >= 2, "validate and create upstream");
        assertTrue(spansOf(traceId).stream().anyMatch(s -> s.getAttributes().asMap().entrySet().stream()
                .anyMatch(a -> a.getKey().getKey().startsWith("db.system")
                        && String.valueOf(a.getValue()).contains("postgresql"))), "JDBC spans");
        List<SpanData> publishes = awaitSpans(traceId, s -> s.getKind() == SpanKind.PRODUCER, 2);
        for (ConsumerRecord<String, byte[]> record : first) {
            String spanId = spanIdOf(header(record, "traceparent"));
            assertTrue(publishes.stream().anyMatch(p -> p.getSpanId().equals(spanId)),
                    "the record's traceparent is its publish span");
        }
        List<SpanData> attempts = awaitSpans(traceId, s -> s.getName().equals("webhook attempt"), 2);
        for (Receiver.Received d : delivered) {
            String spanId = spanIdOf(d.traceparent());
            assertTrue(attempts.stream().anyMatch(a -> a.getSpanId().equals(spanId)
                    && order.toString().equals(a.getAttributes().get(ORDER_ID))), "the header is its attempt span");
        }

        // a replay: the replayed deliveries go out in the order's trace (the stored cause), not the replay request's;
        // the replay request's span links to that trace
        await().atMost(WAIT).until(() -> Api.given().queryParam("status", "succeeded").get(endpoint + "/deliveries")
                .then().statusCode(200).extract().jsonPath().getList("items").size() >= 2);
        String replayTrace = randomHex(16);
        Api.json("{\"since\": \"" + before + "\"}").header("traceparent", "00-" + replayTrace + "-" + randomHex(8) + "-01")
                .post(endpoint + "/replay").then().statusCode(202);
        List<Receiver.Received> replayed = await().atMost(WAIT)
                .until(() -> deliveries(receiver, order), d -> d.size() >= 4).subList(2, 4);
        for (Receiver.Received d : replayed) {
            assertEquals(traceId, traceIdOf(d.traceparent()), "replayed webhook header");
        }
        SpanData replay = awaitSpan(s -> s.getTraceId().equals(replayTrace) && s.getKind() == SpanKind.SERVER);
        assertTrue(replay.getLinks().stream().anyMatch(l -> l.getSpanContext().getTraceId().equals(traceId)),
                "the replay request links to the order's trace: " + replay.getLinks());

        // a later transition: caused by an upstream observation, which starts a trace of its own
        sandbox.advance(placed.getString("upstream_order_id"));
        ConsumerRecord<String, byte[]> third = await().atMost(WAIT)
                .until(() -> records(topic, order), r -> r.size() >= 3).get(2);
        String observed = traceIdOf(header(third, "traceparent"));
        assertNotEquals(traceId, observed);
        assertEquals(observed, traceIdOf(envelope(third).path("traceparent").asText(null)));
        SpanData observation = awaitSpan(s -> s.getTraceId().equals(observed)
                && s.getName().equals("order observation"));
        assertEquals(order.toString(), observation.getAttributes().get(ORDER_ID));
        assertFalse(observation.getParentSpanContext().isValid(), "an observation starts its trace");
        Receiver.Received thirdDelivery = await().atMost(WAIT)
                .until(() -> deliveries(receiver, order), d -> d.size() >= 5).get(4);
        assertEquals(observed, traceIdOf(thirdDelivery.traceparent()));
        awaitSpans(observed, s -> s.getName().equals("webhook attempt"), 1);
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static List<ConsumerRecord<String, byte[]>> records(ConsumerTask<String, byte[]> topic, UUID order) {
        return topic.getRecords().stream().filter(r -> order.toString().equals(r.key())).toList();
    }

    private static List<Receiver.Received> deliveries(Receiver receiver, UUID order) {
        return receiver.requests().stream().filter(r -> order.toString().equals(r.orderId())).toList();
    }

    private List<SpanData> spansOf(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    private SpanData awaitSpan(Predicate<SpanData> wanted) {
        return await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream().filter(wanted).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
    }

    private List<SpanData> awaitSpans(String traceId, Predicate<SpanData> wanted, int atLeast) {
        return await().atMost(WAIT).until(() -> spansOf(traceId).stream().filter(wanted).toList(),
                found -> found.size() >= atLeast);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode envelope(ConsumerRecord<String, byte[]> record) throws Exception {
        return JSON.readTree(record.value());
    }

    /** The trace id of a W3C traceparent ({@code 00-<trace id>-<span id>-<flags>}), null if absent. */
    private static String traceIdOf(String traceparent) {
        return traceparent == null ? null : traceparent.split("-")[1];
    }

    private static String spanIdOf(String traceparent) {
        return traceparent == null ? null : traceparent.split("-")[2];
    }
}
