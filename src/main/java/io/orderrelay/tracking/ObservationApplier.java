package io.orderrelay.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.order.Observation;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionWriter;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Applies trackers' observations through {@link TransitionWriter} (worker threads, never the event loop). Observations
 * that arrived together are applied together: one transaction for the batch (group commit), each order's transition
 * with its outbox and webhook rows as usual, so a wave of changes costs one commit per batch instead of one per order.
 */
@ApplicationScoped
public class ObservationApplier {

    /** What the database holds after the observation: whether a transition was recorded, and the order's state. */
    public record Outcome(Optional<TransitionRecorded> recorded, String state) {
        public boolean terminal() {
            return OrderState.isTerminal(state);
        }
    }

    /** One observation of one order, waiting to be applied. */
    public record Pending(UUID orderId, Observation observation) {
    }

    private final TransitionWriter writer;

    public ObservationApplier(TransitionWriter writer) {
        this.writer = writer;
    }

    /** Blocking: call it on a worker thread, never on the event loop. */
    public Outcome apply(UUID orderId, Observation observation) {
        return applyAll(List.of(new Pending(orderId, observation))).get(0);
    }

    /**
     * Applies the observations in one transaction; the outcomes in the same order, null for one that could not be
     * applied. The callers keep per-order order (at most one observation of an order in flight); the writer locks the
     * rows in order id order, so that two batches never wait for each other in a cycle. When the batch fails (a bad
     * observation, a lost connection) it is rolled back and each observation is applied alone, so one failure costs
     * only itself; nothing is recorded twice, since applying an observation already recorded records nothing.
     */
    public List<Outcome> applyAll(List<Pending> batch) {
        if (batch.size() > 1) {
            try {
                return inOneTransaction(batch);
            } catch (RuntimeException e) {
                Log.debugf("A batch of %d observations failed (%s); applying them one by one", batch.size(), e.getMessage());
            }
        }
        List<Outcome> out = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            try {
                out.add(inOneTransaction(List.of(p)).get(0));
            } catch (RuntimeException e) {
                // dropped: the next message, poll or reconcile observes the state again
                Log.warnf("Order %s: could not apply %s from %s: %s", p.orderId(), p.observation().state(),
                        p.observation().source().wire(), e.getMessage());
                out.add(null);
            }
        }
        return out;
    }

    private List<Outcome> inOneTransaction(List<Pending> batch) {
        List<TransitionWriter.Change> changes = batch.stream()
                .map(p -> new TransitionWriter.Change(p.orderId(), p.observation())).toList();
        return QuarkusTransaction.requiringNew().call(() -> writer.applyAll(changes).stream()
                .map(applied -> new Outcome(applied.recorded(), applied.order().state)).toList());
    }
}
