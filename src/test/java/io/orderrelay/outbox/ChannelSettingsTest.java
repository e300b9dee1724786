package io.orderrelay.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The channel's producer keeps the outbox's guarantees while the channel itself does not resend (retries=0). */
@QuarkusTest
class ChannelSettingsTest {

    @Inject
    KafkaClientService kafka;
    @Inject
    OutboxConfig config;
    // the connector's default when unset
    @ConfigProperty(name = "mp.messaging.outgoing." + TransitionPublisher.CHANNEL + ".retries", defaultValue = "2147483647")
    int channelRetries;

    @Test
    void theProducerRetriesWithinItsDeliveryTimeoutWhileTheChannelDoesNotResend() {
        Map<String, ?> producer = kafka.getProducer(TransitionPublisher.CHANNEL).configuration();

        assertEquals(0, channelRetries);
        assertEquals(String.valueOf(Integer.MAX_VALUE), String.valueOf(producer.get(ProducerConfig.RETRIES_CONFIG)));
        assertEquals("all", String.valueOf(producer.get(ProducerConfig.ACKS_CONFIG)));
        assertEquals("true", String.valueOf(producer.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)));
        assertEquals(String.valueOf(config.deliveryTimeout().toMillis()),
                String.valueOf(producer.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)));
    }
}
