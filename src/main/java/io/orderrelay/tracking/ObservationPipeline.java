package io.orderrelay.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.orderrelay.order.Observation;
import io.orderrelay.tracing.OrderMdc;
import io.quarkus.logging.Log;

/**
 * Where the subscribers' observations wait for the database: a bounded queue and a few worker threads, each taking
 * what has queued up (up to a batch) and applying it in one transaction ({@link ObservationApplier#applyAll}).
 *
 * <p>Bounded on purpose: when the database is slower than upstream, the queue fills, {@link #offer} refuses, and the
 * refused subscriber pauses its stream until {@link #whenRoom} calls it back. The slowest part (the database) sets
 * the pace; upstream's data waits in the TCP windows instead of in our heap. Each subscriber has at most one
 * observation here at a time, so per-order order holds whatever the batching.
 */
final class ObservationPipeline {

    /** One observation of one order and who gets its outcome (null when it could not be applied), on a worker. */
    record Work(UUID orderId, Observation observation, Consumer<ObservationApplier.Outcome> done) {
    }

    private static final long IDLE_CHECK_MILLIS = 200;

    private final ObservationApplier applier;
    private final TrackingMetrics metrics;
    private final BlockingQueue<Work> queue;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final int batchSize;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean stopped;

    ObservationPipeline(ObservationApplier applier, TrackingMetrics metrics, int capacity, int batchSize, int threads) {
        this.applier = applier;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        for (int i = 1; i <= threads; i++) {
            Thread t = new Thread(this::work, "tracking-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
    }

    void start() {
        workers.forEach(Thread::start);
    }

    /** Queues the work unless the queue is full (then call {@link #whenRoom} and stop reading). */
    boolean offer(Work work) {
        return !stopped && queue.offer(work);
    }

    /**
     * Runs {@code callback} once there may be room again (it must not block: it hops to its event loop and offers
     * again, registering again if it lost the race).
     */
    void whenRoom(Runnable callback) {
        waiting.add(callback);
        // the workers may have emptied the queue between the refusal and now: nobody would wake us
        if (queue.remainingCapacity() > 0) {
            wake(1);
        }
    }

    int depth() {
        return queue.size();
    }

    /** Takes no more work; each worker finishes the batch it has (never interrupted inside a transaction). */
    void stop() {
        stopped = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void wake(int slots) {
        for (int i = 0; i < slots; i++) {
            Runnable next = waiting.poll();
            if (next == null) {
                return;
            }
            next.run();
        }
    }

    private void work() {
        List<Work> batch = new ArrayList<>(batchSize);
        while (!stopped) {
            Work first;
            try {
                first = queue.poll(IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (stopped) {
                return; // what is still queued is observed again by whoever follows the order next
            }
            if (first == null) {
                // idle with room: nobody may be left waiting (a woken subscriber that had ended used no slot)
                wake(queue.remainingCapacity());
                continue;
            }
            batch.add(first);
            queue.drainTo(batch, batchSize - 1);
            wake(batch.size());
            apply(batch);
            batch.clear();
        }
    }

    private void apply(List<Work> batch) {
        List<ObservationApplier.Pending> pending = new ArrayList<>(batch.size());
        batch.forEach(w -> pending.add(new ObservationApplier.Pending(w.orderId(), w.observation())));
        long started = System.nanoTime();
        List<ObservationApplier.Outcome> outcomes;
        try {
            outcomes = applier.applyAll(pending);
        } catch (RuntimeException e) {
            Log.warnf("Could not apply %d observations: %s", batch.size(), e.getMessage());
            outcomes = java.util.Collections.nCopies(batch.size(), null);
        }
        metrics.batchApplied(batch.size(), System.nanoTime() - started);
        for (int i = 0; i < batch.size(); i++) {
            try (OrderMdc mdc = OrderMdc.of(batch.get(i).orderId())) {
                batch.get(i).done().accept(outcomes.get(i));
            } catch (RuntimeException e) {
                try (OrderMdc mdc = OrderMdc.of(batch.get(i).orderId())) {
                    Log.warnf("Order %s: outcome not delivered: %s", batch.get(i).orderId(), e.getMessage());
                }
            }
        }
    }
}
