package io.orderrelay.webhook;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.orderrelay.config.Gauges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Webhook meters: {@code relay.webhook.deliveries} by outcome (succeeded, retry, failed), {@code relay.webhook.attempt.duration}
 * by result class, {@code relay.webhook.backlog} per endpoint (pending deliveries, refreshed every 15 s from the database,
 * so the same on every replica), {@code relay.webhook.endpoints.disabled}.
 */
@ApplicationScoped
@Startup // its gauges exist from the start, not from the first scheduled refresh
public class WebhookMetrics {

    private final MeterRegistry registry;
    private final DeliveryStore deliveries;
    private final EndpointStore endpoints;
    private final MultiGauge backlog;
    private final AtomicLong disabled = new AtomicLong();

    public WebhookMetrics(MeterRegistry registry, DeliveryStore deliveries, EndpointStore endpoints) {
        this.registry = registry;
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        Gauges.forgetPrevious(registry, "relay.webhook.backlog", "relay.webhook.endpoints.disabled");
        this.backlog = MultiGauge.builder("relay.webhook.backlog")
                .description("Pending webhook deliveries per endpoint").register(registry);
        Gauge.builder("relay.webhook.endpoints.disabled", disabled, AtomicLong::get)
                .description("Webhook endpoints disabled (by a caller, 410 Gone, or failing for days)").register(registry);
    }

    /**
     * succeeded, retry (failed attempt, another one scheduled) or failed (schedule exhausted), per endpoint: the
     * endpoint label is bounded by the endpoints that exist (at most relay.webhook.max-endpoints-per-partner per
     * partner), which the failure-ratio alert needs.
     */
    public void outcome(UUID endpoint, String outcome) {
        Counter.builder("relay.webhook.deliveries").tag("endpoint_id", endpoint.toString()).tag("outcome", outcome)
                .description("Webhook delivery attempts by outcome").register(registry).increment();
    }

    /** {@code result}: 2xx, 3xx, 4xx, 5xx, timeout, error, refused. */
    public void attempt(String result, Duration duration) {
        Timer.builder("relay.webhook.attempt.duration").tag("result", result).publishPercentileHistogram()
                .description("Webhook attempt latency, request sent to answer").register(registry).record(duration);
    }

    @Scheduled(every = "15s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            Map<UUID, Long> pending = deliveries.backlog();
            backlog.register(pending.entrySet().stream()
                    .map(e -> MultiGauge.Row.of(Tags.of("endpoint_id", e.getKey().toString()), e.getValue()))
                    .toList(), true);
            disabled.set(endpoints.countDisabled());
        } catch (RuntimeException e) {
            Log.warnf("Webhook gauges not refreshed: %s", e.getMessage());
        }
    }

}
