package io.orderrelay.outbox;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderrelay.support.EventContracts;
import io.smallrye.reactive.messaging.kafka.companion.ConsumerTask;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the transitions topic from the beginning, as a consumer group of its own, for the whole test. Every record it
 * hands out, and at close every record it read, is checked against the published contract
 * ({@link EventContracts#kafkaRecord}): a test that reads the topic cannot pass on an event that breaks it.
 */
final class TopicReader implements AutoCloseable {

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
        List<ConsumerRecord<String, byte[]>> records = task.getRecords().stream().filter(r -> keys.contains(r.key())).toList();
        records.forEach(EventContracts::kafkaRecord);
        return records;
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
        return EventContracts.kafkaRecord(record);
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        return EventContracts.header(record, name);
    }

    @Override
    public void close() {
        try {
            task.getRecords().forEach(EventContracts::kafkaRecord);
        } finally {
            task.close();
            companion.close();
        }
    }
}
