package io.orderrelay.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderrelay.support.EventContracts;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The Kafka consumer of docs/consumers.md, run for real by {@link ConsumerGuideIT}: channel {@code consumer-guide},
 * configured in the %test profile only (application.properties), reading the topic order-transitions.
 *
 * <p>At least once, in order per order: so it applies an event only when its data.sequence is above the last one
 * applied for its order, which drops redeliveries (same id, same sequence) and anything older.
 */
@ApplicationScoped
public class GuideConsumer {

    // guide:begin
    /** Last applied data.sequence per order. A real consumer keeps it in its database, in the transaction of the effect. */
    private final Map<String, Integer> lastApplied = new ConcurrentHashMap<>();

    @Incoming("consumer-guide")
    public void consume(ConsumerRecord<String, byte[]> record) {
        JsonNode event = parse(record);
        String orderId = event.at("/data/order_id").asText();
        int sequence = event.at("/data/sequence").asInt();
        lastApplied.compute(orderId, (id, last) -> {
            if (last != null && sequence <= last) {
                skip(event); // a redelivery or an older event: already applied
                return last;
            }
            apply(event); // a gap (sequence > last + 1) only follows an event an operator skipped: apply anyway
            return sequence;
        });
    }
    // guide:end

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Map<String, List<String>> applied = new ConcurrentHashMap<>();
    private final AtomicInteger dropped = new AtomicInteger();
    private final List<AssertionError> violations = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * The guide parses the value with Jackson; the test checks it against the contract on the way, and records a
     * violation (ConsumerGuideIT fails on it) rather than failing the channel, which would take readiness down.
     */
    private JsonNode parse(ConsumerRecord<String, byte[]> record) {
        try {
            EventContracts.kafkaRecord(record);
        } catch (AssertionError broken) {
            violations.add(broken);
        }
        try {
            return JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    List<AssertionError> violations() {
        return List.copyOf(violations);
    }

    private void skip(JsonNode event) {
        dropped.incrementAndGet();
    }

    private void apply(JsonNode event) {
        applied.computeIfAbsent(event.at("/data/order_id").asText(), k -> new ArrayList<>())
                .add(event.at("/data/sequence").asInt() + " " + event.get("id").asText());
    }

    /** What was applied for this order: "sequence id", in the order applied. */
    List<String> applied(String orderId) {
        return List.copyOf(applied.getOrDefault(orderId, List.of()));
    }

    int dropped() {
        return dropped.get();
    }
}
