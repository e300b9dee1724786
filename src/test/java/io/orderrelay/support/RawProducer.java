package io.orderrelay.support;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.orderrelay.order.Ids;
import io.orderrelay.outbox.OutboxConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The benchmarks' Kafka ceiling: the relay's producer settings, a tight send loop to a topic of its own. */
public final class RawProducer {

    /** How long {@code records} took from first send to flush, and each record's send-to-ack time, sorted. */
    public record Run(int records, double seconds, long[] sortedLatencyNanos) {

        public double percentileMillis(double p) {
            int index = Math.min(records - 1, (int) (records * p));
            return sortedLatencyNanos[index] / 1e6;
        }
    }

    private RawProducer() {
    }

    public static Run measure(Map<String, Object> kafka, OutboxConfig config, int records, int payloadBytes)
            throws Exception {
        byte[] payload = "x".repeat(payloadBytes).getBytes(StandardCharsets.UTF_8);
        String topic = "benchmark-raw-" + UUID.randomUUID();
        long[] latencies = new long[records];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(kafka, config))) {
            producer.send(new ProducerRecord<>(topic, "warm-up", payload)).get(); // topic creation, metadata
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                int index = i;
                long sentAt = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, Ids.newId().toString(), payload),
                        (metadata, error) -> latencies[index] = System.nanoTime() - sentAt);
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(latencies);
            return new Run(records, seconds, latencies);
        }
    }

    /**
     * The settings of the relay's channel (application.properties, mp.messaging.outgoing.order-transitions.* and
     * io.orderrelay.outbox.ChannelSettings) for a plain KafkaProducer: kafka.* first, then the guarantees.
     */
    public static Map<String, Object> producerConfig(Map<String, Object> kafka, OutboxConfig config) {
        Map<String, Object> props = new HashMap<>();
        int deliveryMs = (int) config.deliveryTimeout().toMillis();
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(10_000, deliveryMs - 10));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        props.putAll(kafka);
        props.keySet().removeIf(k -> k.equals("health.enabled") || k.equals("devservices.enabled"));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
