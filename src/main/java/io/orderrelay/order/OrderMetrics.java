package io.orderrelay.order;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderrelay.config.Gauges;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;

/**
 * Order counts from the database, so every replica shows the same values: {@code relay_orders_open} (orders known
 * upstream and not ended: what the trackers should follow) and {@code relay_orders_submission_uncertain} (orders
 * an operator must resolve). Refreshed every {@code relay.metrics.orders-refresh} (30 s).
 */
@ApplicationScoped
@Startup // the gauges exist from the start
public class OrderMetrics {

    private static final Set<String> NOT_OPEN = notOpen();

    private final AtomicLong open = new AtomicLong();
    private final AtomicLong uncertain = new AtomicLong();

    public OrderMetrics(MeterRegistry registry) {
        Gauges.forgetPrevious(registry, "relay.orders.open", "relay.orders.submission.uncertain");
        Gauge.builder("relay.orders.open", open, AtomicLong::get)
                .description("Orders known upstream and not in an end state (what the trackers should follow)")
                .register(registry);
        Gauge.builder("relay.orders.submission.uncertain", uncertain, AtomicLong::get)
                .description("Orders in SubmissionUncertain, waiting for an operator's resolve")
                .register(registry);
    }

    @Scheduled(every = "${relay.metrics.orders-refresh:30s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                open.set(Order.count("upstreamOrderId is not null and state not in ?1", NOT_OPEN));
                uncertain.set(Order.count("state", OrderState.SUBMISSION_UNCERTAIN));
            });
        } catch (RuntimeException e) {
            Log.warnf("Order gauges not refreshed: %s", e.getMessage());
        }
    }

    private static Set<String> notOpen() {
        Set<String> states = new HashSet<>(OrderState.TERMINAL);
        states.addAll(OrderState.LOCAL);
        return Set.copyOf(states);
    }
}
