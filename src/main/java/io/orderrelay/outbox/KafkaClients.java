package io.orderrelay.outbox;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The relay's Kafka producer and a small admin client for the readiness check, both built from the
 * application's {@code kafka.*} configuration (bootstrap servers, TLS/SASL settings: Quarkus gathers
 * them as the "default-kafka-broker" map), plus the settings the outbox's guarantees depend on.
 *
 * <p>A plain {@link KafkaProducer} rather than a Reactive Messaging {@code Emitter}: the relay needs the
 * acknowledgement of each exact record (to mark its row), to stop at the first failure of a batch and to
 * flush on demand; an emitter adds a channel, its own buffer and overflow policy and a second place
 * where records can wait, without giving anything the relay uses.
 */
@ApplicationScoped
public class KafkaClients {

    /** Keys of the default-kafka-broker map that are not producer or admin settings. */
    private static final Set<String> NOT_CLIENT_CONFIG = Set.of("health.enabled", "devservices.enabled");

    private final Map<String, Object> common;
    private final OutboxConfig config;
    private volatile Producer<String, byte[]> producer;
    private volatile Admin admin;

    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafka, OutboxConfig config) {
        this.common = new HashMap<>(kafka);
        this.common.keySet().removeIf(NOT_CLIENT_CONFIG::contains);
        this.config = config;
    }

    public Producer<String, byte[]> producer() {
        Producer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = new KafkaProducer<>(producerConfig(common, config));
                }
                p = producer;
            }
        }
        return p;
    }

    /** After a non-retriable error the producer may be unusable: the next batch gets a fresh one. */
    public synchronized void resetProducer() {
        Producer<String, byte[]> old = producer;
        producer = null;
        if (old != null) {
            old.close(java.time.Duration.ZERO);
        }
    }

    public Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> props = new HashMap<>();
                    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, common.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
                    common.forEach((k, v) -> {
                        if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                            props.put(k, v);
                        }
                    });
                    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "order-relay-outbox-health");
                    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
                    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
                    admin = Admin.create(props);
                }
                a = admin;
            }
        }
        return a;
    }

    /**
     * Producer settings: defaults, then anything set under {@code kafka.*} (e.g. {@code kafka.linger.ms},
     * {@code kafka.compression.type}), then what the outbox relies on, which configuration cannot change.
     */
    public static Map<String, Object> producerConfig(Map<String, Object> kafka, OutboxConfig config) {
        Map<String, Object> props = new HashMap<>();
        int deliveryMs = (int) config.deliveryTimeout().toMillis();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "order-relay-outbox");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(10_000, deliveryMs - 10));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs);
        // send() must not block the relay for long on missing metadata while the broker is away
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        props.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        props.putAll(kafka);
        props.keySet().removeIf(NOT_CLIENT_CONFIG::contains);
        // The guarantees: no duplicates from producer retries, no reordering within a partition,
        // acknowledged = written to all in-sync replicas.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
