package io.orderrelay.tracking;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.order.Observation;
import io.orderrelay.order.Order;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionSource;
import io.orderrelay.order.TransitionWriter;
import io.orderrelay.tracing.OrderMdc;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * An order left in Submitting (the replica crashed between storing it and upstream's answer) would stay there
 * forever: after {@code relay.tracking.submitting-timeout} it becomes SubmissionUncertain (source reconcile), the
 * state an operator resolves. Never resent upstream: the create may have gone through.
 */
@ApplicationScoped
public class StuckSubmissionSweep {

    private final TrackingConfig config;
    private final TransitionWriter writer;
    private final Clock clock;

    public StuckSubmissionSweep(TrackingConfig config, TransitionWriter writer, Clock clock) {
        this.config = config;
        this.writer = writer;
        this.clock = clock;
    }

    @Scheduled(every = "${relay.tracking.submitting-sweep-interval:30s}", delayed = "${relay.tracking.submitting-sweep-interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        Instant before = clock.instant().minus(config.submittingTimeout());
        List<UUID> stuck = QuarkusTransaction.requiringNew().call(() -> Order.<Order>find(
                "state = ?1 and updatedAt < ?2", OrderState.SUBMITTING, before).page(0, 100).list()
                .stream().map(o -> o.id).toList());
        for (UUID id : stuck) {
            try (OrderMdc mdc = OrderMdc.of(id)) {
                sweep(id);
            }
        }
    }

    private void sweep(UUID id) {
        QuarkusTransaction.requiringNew().run(() -> {
            writer.apply(id, Observation.local(OrderState.SUBMISSION_UNCERTAIN, TransitionSource.RECONCILE))
                    .ifPresent(t -> {
                        Order order = Order.findById(id);
                        order.stateReason = "no answer to the create was stored within "
                                + config.submittingTimeout() + " (the outcome upstream is unknown)";
                        Log.warnf("Order %s was still Submitting after %s: now SubmissionUncertain", id,
                                config.submittingTimeout());
                    });
        });
    }
}
