package io.orderrelay.outbox;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.reactive.messaging.ClientCustomizer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.Config;

/**
 * The producer of the {@value TransitionPublisher#CHANNEL} channel: its timeouts follow
 * {@code relay.outbox.delivery-timeout} (one setting for the producer and for how long the relay waits), and it
 * refuses to start without the settings the outbox's guarantees rest on (application.properties sets them): an
 * idempotent producer (no duplicates from its own retries, no reordering within a partition) with {@code acks=all}
 * (acknowledged = written to every in-sync replica).
 *
 * <p>The channel's {@code retries} is 0 (the connector would otherwise wrap every message in a resend pipeline, and the
 * relay resends what was not acknowledged itself); the connector hands that value to the producer too, so the
 * producer's own retries, which idempotence requires, are set back here: it still retries a batch within
 * {@code delivery.timeout.ms}.
 */
@ApplicationScoped
public class ChannelSettings implements ClientCustomizer<Map<String, Object>> {

    private final OutboxConfig config;

    public ChannelSettings(OutboxConfig config) {
        this.config = config;
    }

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> producer) {
        if (!TransitionPublisher.CHANNEL.equals(channel)) {
            return null;
        }
        require(producer, ProducerConfig.ACKS_CONFIG, "all");
        require(producer, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producer.put(ProducerConfig.RETRIES_CONFIG, String.valueOf(Integer.MAX_VALUE));
        int deliveryMs = (int) config.deliveryTimeout().toMillis();
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(deliveryMs));
        producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(10_000, deliveryMs - 10)));
        return producer;
    }

    private static void require(Map<String, Object> producer, String key, String value) {
        Object actual = producer.get(key);
        if (actual == null || !value.equalsIgnoreCase(actual.toString())) {
            throw new IllegalStateException("mp.messaging.outgoing." + TransitionPublisher.CHANNEL + "." + key
                    + " must be " + value + " (the outbox's delivery guarantees rest on it), found " + actual);
        }
    }
}
