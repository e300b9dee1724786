package io.orderrelay.tracking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.order.Observation;
import io.orderrelay.order.Order;
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
        return QuarkusTransaction.requiringNew().call(() -> applyHere(orderId, observation));
    }

    /**
     * Applies the observations in one transaction; the outcomes in the same order, null for one that could not be
     * applied. The callers keep per-order order (at most one observation of an order in flight); the rows are locked
     * in order id order, so that two batches never wait for each other in a cycle. When the batch fails (a bad
     * observation, a lost connection) it is rolled back and each observation is applied alone, so one failure costs
     * only itself; nothing is recorded twice, since applying an observation already recorded records nothing.
     */
    public List<Outcome> applyAll(List<Pending> batch) {
        if (batch.size() > 1) {
            try {
                return QuarkusTransaction.requiringNew().call(() -> {
                    Outcome[] out = new Outcome[batch.size()];
                    int[] byOrder = IntStream.range(0, batch.size()).boxed()
                            .sorted(Comparator.comparing(i -> batch.get(i).orderId().toString())).mapToInt(Integer::intValue).toArray();
                    for (int i : byOrder) {
                        out[i] = applyHere(batch.get(i).orderId(), batch.get(i).observation());
                    }
                    return Arrays.asList(out);
                });
            } catch (RuntimeException e) {
                Log.debugf("A batch of %d observations failed (%s); applying them one by one", batch.size(), e.getMessage());
            }
        }
        List<Outcome> out = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            try {
                out.add(apply(p.orderId(), p.observation()));
            } catch (RuntimeException e) {
                // dropped: the next message, poll or reconcile observes the state again
                Log.warnf("Order %s: could not apply %s from %s: %s", p.orderId(), p.observation().state(),
                        p.observation().source().wire(), e.getMessage());
                out.add(null);
            }
        }
        return out;
    }

    private Outcome applyHere(UUID orderId, Observation observation) {
        Optional<TransitionRecorded> recorded = writer.apply(orderId, observation);
        Order order = Order.findById(orderId);
        return new Outcome(recorded, order.state);
    }
}
