package io.orderrelay.outbox;

import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.common.annotation.Identifier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A small Kafka admin client for the outbox's wellness check, built from the application's {@code kafka.*}
 * configuration (bootstrap servers, TLS/SASL settings: Quarkus gathers them as the "default-kafka-broker" map).
 * Records themselves go out through the Reactive Messaging channel ({@link TransitionPublisher}).
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> common;
    private volatile Admin admin;

    public KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.common = new HashMap<>(kafka);
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

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
        }
    }
}
