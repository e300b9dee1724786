package io.orderrelay.outbox;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.config.Gauges;
import io.quarkus.runtime.Startup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Prometheus names: {@code relay_outbox_backlog_rows}, {@code relay_outbox_oldest_pending_age_seconds} (both over the rows
 * the relay can publish: parked rows and the rows held behind them have their own gauges),
 * {@code relay_outbox_parked_rows}, {@code relay_outbox_held_rows}, {@code relay_outbox_parked_total},
 * {@code relay_outbox_published_total}, {@code relay_outbox_publish_errors_total},
 * {@code relay_outbox_commit_to_ack_seconds} (histogram; from the row's insert in the recording transaction
 * to the broker's acknowledgement).
 */
@ApplicationScoped
@Startup // the gauges exist from the start, not from the first publication
public class OutboxMetrics {

    private final AtomicLong backlogRows = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final AtomicLong parkedRows = new AtomicLong();
    private final AtomicLong heldRows = new AtomicLong();
    private final Counter published;
    private final Counter parked;
    private final Counter errors;
    private final Timer commitToAck;

    public OutboxMetrics(MeterRegistry registry) {
        Gauges.forgetPrevious(registry, "relay.outbox.backlog.rows", "relay.outbox.oldest.pending.age", "relay.outbox.parked.rows",
                "relay.outbox.held.rows");
        Gauge.builder("relay.outbox.backlog.rows", backlogRows, AtomicLong::get)
                .description("Outbox rows not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder("relay.outbox.oldest.pending.age", oldestAgeMillis, a -> a.get() / 1000.0)
                .baseUnit("seconds")
                .description("Age of the oldest outbox row not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder("relay.outbox.parked.rows", parkedRows, AtomicLong::get)
                .description("Outbox rows Kafka refused for good, parked until an admin retries or skips them")
                .register(registry);
        Gauge.builder("relay.outbox.held.rows", heldRows, AtomicLong::get)
                .description("Outbox rows waiting behind a parked row of their order")
                .register(registry);
        parked = Counter.builder("relay.outbox.parked")
                .description("Outbox records parked because Kafka refused them for good")
                .register(registry);
        published = Counter.builder("relay.outbox.published")
                .description("Outbox records acknowledged by Kafka")
                .register(registry);
        errors = Counter.builder("relay.outbox.publish.errors")
                .description("Outbox records Kafka did not acknowledge (retried)")
                .register(registry);
        commitToAck = Timer.builder("relay.outbox.commit.to.ack")
                .description("From the outbox row's insert to the broker's acknowledgement")
                .publishPercentileHistogram()
                .publishPercentiles(0.5, 0.99)
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    void backlog(OutboxStore.Backlog backlog) {
        backlogRows.set(backlog.rows());
        oldestAgeMillis.set(backlog.oldestAge().toMillis());
        parkedRows.set(backlog.parked());
        heldRows.set(backlog.held());
    }

    void parked() {
        parked.increment();
    }

    /** The parked-rows gauge as last refreshed. */
    public long parkedRows() {
        return parkedRows.get();
    }

    void acknowledged(Duration commitToAckLatency) {
        published.increment();
        commitToAck.record(commitToAckLatency);
    }

    void failed(int records) {
        errors.increment(records);
    }

    public Timer commitToAck() {
        return commitToAck;
    }
}
