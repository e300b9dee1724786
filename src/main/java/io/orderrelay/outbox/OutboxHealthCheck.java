package io.orderrelay.outbox;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.health.api.Wellness;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * How the Kafka side is doing, at {@code /q/health/well} (and in {@code /q/health}): DOWN when the broker cannot
 * be reached (cluster description within 3 s), when the oldest publishable row is older than
 * {@code relay.outbox.max-pending-age}, or when rows are parked; reports the backlog either way.
 *
 * <p>A wellness check, deliberately neither readiness nor liveness. Readiness means "this replica can serve":
 * thanks to the outbox a replica accepts and records orders while Kafka is away, and the broker, a stuck order
 * or an old backlog are the same for every replica, so a readiness check on them would take the whole fleet out
 * of the Service at once (turning a Kafka incident into a full outage, admin API included) without routing
 * anyone to a better replica. They are alerts: the gauges of {@link OutboxMetrics} and this check.
 */
@Wellness
@ApplicationScoped
public class OutboxHealthCheck implements HealthCheck {

    static final String NAME = "Kafka outbox";

    private final KafkaClients kafka;
    private final OutboxStore store;
    private final OutboxMetrics metrics;
    private final OutboxConfig config;

    public OutboxHealthCheck(KafkaClients kafka, OutboxStore store, OutboxMetrics metrics, OutboxConfig config) {
        this.kafka = kafka;
        this.store = store;
        this.metrics = metrics;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
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
                    .withData("oldest_pending_age_seconds", backlog.oldestAge().toSeconds())
                    .withData("parked_rows", backlog.parked())
                    .withData("held_rows", backlog.held());
            if (backlog.oldestAge().compareTo(config.maxPendingAge()) > 0) {
                up = false;
                response.withData("reason", "oldest unpublished event older than " + config.maxPendingAge());
            }
            if (backlog.parked() > 0) {
                up = false;
            }
        } catch (RuntimeException e) {
            up = false;
            response.withData("backlog", "unreadable");
        }
        return response.status(up).build();
    }
}
