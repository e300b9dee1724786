package io.orderrelay.outbox;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.narayana.jta.QuarkusTransaction;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the Kafka side: DOWN when the broker cannot be reached (cluster description within 3 s)
 * or when the oldest unpublished row is older than {@code relay.outbox.max-pending-age}. Reports the
 * backlog either way. Never a liveness check: a Kafka outage must not restart pods, the outbox waits it out.
 */
@Readiness
@ApplicationScoped
public class OutboxReadiness implements HealthCheck {

    private final KafkaClients kafka;
    private final OutboxStore store;
    private final OutboxMetrics metrics;
    private final OutboxConfig config;

    public OutboxReadiness(KafkaClients kafka, OutboxStore store, OutboxMetrics metrics, OutboxConfig config) {
        this.kafka = kafka;
        this.store = store;
        this.metrics = metrics;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("Kafka outbox");
        boolean up = true;
        try {
            int nodes = kafka.admin().describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
            response.withData("broker", "reachable").withData("broker_nodes", nodes);
        } catch (Exception e) {
            up = false;
            response.withData("broker", "unreachable");
        }
        try {
            OutboxStore.Backlog backlog = QuarkusTransaction.requiringNew().call(store::backlog);
            metrics.backlog(backlog);
            response.withData("backlog_rows", backlog.rows())
                    .withData("oldest_pending_age_seconds", backlog.oldestAge().toSeconds());
            if (backlog.oldestAge().compareTo(config.maxPendingAge()) > 0) {
                up = false;
                response.withData("reason", "oldest unpublished event older than " + config.maxPendingAge());
            }
        } catch (RuntimeException e) {
            up = false;
            response.withData("backlog", "unreadable");
        }
        return response.status(up).build();
    }
}
