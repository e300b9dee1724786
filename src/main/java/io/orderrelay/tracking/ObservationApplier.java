package io.orderrelay.tracking;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.order.Observation;
import io.orderrelay.order.Order;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionWriter;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Applies a tracker's observation through {@link TransitionWriter} in a transaction of its own (worker thread). */
@ApplicationScoped
public class ObservationApplier {

    /** What the database holds after the observation: whether a transition was recorded, and the order's state. */
    public record Outcome(Optional<TransitionRecorded> recorded, String state) {
        public boolean terminal() {
            return OrderState.isTerminal(state);
        }
    }

    private final TransitionWriter writer;

    public ObservationApplier(TransitionWriter writer) {
        this.writer = writer;
    }

    /** Blocking: call it on a worker thread, never on the event loop. */
    public Outcome apply(UUID orderId, Observation observation) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Optional<TransitionRecorded> recorded = writer.apply(orderId, observation);
            Order order = Order.findById(orderId);
            return new Outcome(recorded, order.state);
        });
    }
}
