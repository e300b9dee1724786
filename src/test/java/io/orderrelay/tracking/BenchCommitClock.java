package io.orderrelay.tracking;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.orderrelay.order.TransitionRecorded;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

/**
 * For {@code TrackingBenchmark}: when each transition of a benchmark order (partner {@code bench}) was committed,
 * keyed {@code upstream order id/state}. Ignores every other order, so it costs the other tests nothing.
 */
@ApplicationScoped
public class BenchCommitClock {

    private final Map<String, Instant> committedAt = new ConcurrentHashMap<>();

    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) TransitionRecorded recorded) {
        if ("bench".equals(recorded.order().partnerId())) {
            committedAt.put(recorded.order().upstreamOrderId() + "/" + recorded.transition().toState(), Instant.now());
        }
    }

    Map<String, Instant> committedAt() {
        return committedAt;
    }
}
