package io.orderrelay.outbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the transitions topic from the beginning, as a consumer group of its own, for the whole test. */
final class TopicReader implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaCompanion companion;
    private final ConsumerTask<String, byte[]> task;

    TopicReader(String bootstrapServers, String topic) {
        companion = new KafkaCompanion(bootstrapServers);
        task = companion.<String, byte[]>consumeWithDeserializers(new StringDeserializer(), new ByteArrayDeserializer())
                .withGroupId("test-" + UUID.randomUUID())
                .withOffsetReset(OffsetResetStrategy.EARLIEST)
                .fromTopics(topic);
    }

    /** Records of these orders (by key), in the order read (per key: partition offset order). */
    List<ConsumerRecord<String, byte[]>> recordsOf(Collection<UUID> orders) {
        Set<String> keys = new HashSet<>();
        orders.forEach(o -> keys.add(o.toString()));
        return task.getRecords().stream().filter(r -> keys.contains(r.key())).toList();
    }

    /** Per order, the event ids in the order first seen (consumers dedupe on the id). */
    static Map<String, List<JsonNode>> dedupedByOrder(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<JsonNode>> byOrder = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            JsonNode envelope = envelope(r);
            if (seen.add(envelope.get("id").asText())) {
                byOrder.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(envelope);
            }
        }
        return byOrder;
    }

    static JsonNode envelope(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (Exception e) {
            throw new AssertionError("record value is not JSON", e);
        }
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        task.close();
        companion.close();
    }
}
