package io.orderrelay.support;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

import io.orderrelay.order.Ids;
import io.orderrelay.outbox.KafkaClients;
import io.orderrelay.outbox.OutboxConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

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
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producerConfig(kafka, config))) {
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
}
