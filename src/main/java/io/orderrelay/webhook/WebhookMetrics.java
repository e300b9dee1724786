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
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;

/**
 * Webhook meters: {@code webhook.deliveries} by outcome (succeeded, retry, failed), {@code webhook.attempt.duration}
 * by result class, {@code webhook.backlog} per endpoint (pending deliveries, refreshed every 15 s from the database,
 * so the same on every replica), {@code webhook.endpoints.disabled}.
 */
@ApplicationScoped
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
        Gauges.forgetPrevious(registry, "webhook.backlog", "webhook.endpoints.disabled");
        this.backlog = MultiGauge.builder("webhook.backlog")
                .description("Pending webhook deliveries per endpoint").register(registry);
        Gauge.builder("webhook.endpoints.disabled", disabled, AtomicLong::get)
                .description("Webhook endpoints disabled (by a caller, 410 Gone, or failing for days)").register(registry);
    }

    /** succeeded, retry (failed attempt, another one scheduled) or failed (schedule exhausted). */
    public void outcome(String outcome) {
        Counter.builder("webhook.deliveries").tag("outcome", outcome)
                .description("Webhook delivery attempts by outcome").register(registry).increment();
    }

    /** {@code result}: 2xx, 3xx, 4xx, 5xx, timeout, error, refused. */
    public void attempt(String result, Duration duration) {
        Timer.builder("webhook.attempt.duration").tag("result", result).publishPercentileHistogram()
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
