package io.orderrelay.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.orderrelay.tracing.OrderMdc;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Publishes pending outbox rows to Kafka, at least once and in sequence order per order.
 *
 * <p>One cycle ({@link #publishBatch()}) runs in one database transaction: claim the oldest pending
 * rows that are the lowest pending sequence of their order ({@code FOR UPDATE SKIP LOCKED}, so several
 * replicas share the work without waiting on each other), send them, wait for the broker's
 * acknowledgements, mark the acknowledged rows sent, commit. Row n+1 of an order is only claimed once
 * row n is marked sent, so it is never sent before n was acknowledged; a failed row stays pending and
 * holds back its order's later rows, while other orders go on. A relay killed after sending but before
 * committing leaves its rows pending: they are sent again (same bytes, same event id), never lost.
 *
 * <p>A row Kafka refuses for a reason retrying cannot fix ({@link #refusedForGood}: larger than the topic or the
 * producer accepts, an invalid record) is parked in the same transaction: it is not claimed again, so it cannot
 * head every batch for ever, and being unsent it still holds back its own order's later rows until an admin
 * retries or skips it ({@link ParkedEvents}). Every other failure (broker away, timeouts, authorisation: they
 * concern every record alike) leaves the rows pending, to be retried with backoff.
 *
 * <p>Several cycles run at once ({@code relay.outbox.concurrent-batches} threads, each its own transaction): while one
 * waits for the broker's acknowledgements, the next claims the rows committed meanwhile. They share the work exactly as
 * several replicas do (the claim skips rows another cycle holds, and a row whose earlier row is still pending, held by
 * another cycle or not, is not eligible), so per-order order holds; without it a change committed just after a claim
 * waited for that whole batch's acknowledgements and mark before anyone looked for it (BurstBenchmark's
 * "committed -> marked sent").
 *
 * <p>Records go out through the Reactive Messaging channel ({@link TransitionPublisher}); each row's future is its
 * message's ack or nack. After a failed cycle (and at start) the next cycle sends its first row alone and goes on
 * only once the broker acknowledged it: while Kafka is away one record waits, not a whole batch (a send without
 * metadata holds the channel's sending thread for {@code max.block.ms} per record).
 */
@ApplicationScoped
public class OutboxRelay {

    private final OutboxStore store;
    private final Function<OutboxRow, CompletableFuture<Void>> send;
    private final OutboxMetrics metrics;
    private final OutboxConfig config;
    /** One per loop thread: a commit wakes every idle loop, and one loop's wake-up never consumes another's. */
    private final List<Semaphore> wakes = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    // at start and after a failed cycle, the next cycle sends one record first
    private volatile boolean probe = true;

    @Inject
    public OutboxRelay(OutboxStore store, TransitionPublisher publisher, OutboxMetrics metrics, OutboxConfig config) {
        this(store, publisher::send, metrics, config);
    }

    /** A relay sending through {@code send} (the benchmark compares senders); only the bean's relay runs a loop. */
    OutboxRelay(OutboxStore store, Function<OutboxRow, CompletableFuture<Void>> send, OutboxMetrics metrics,
            OutboxConfig config) {
        this.store = store;
        this.send = send;
        this.metrics = metrics;
        this.config = config;
    }

    /** What one cycle did; {@code failed} rows stay pending, {@code parked} rows wait for an admin. */
    public record BatchResult(int claimed, int acknowledged, int failed, int parked) {
    }

    /** Why this record can never be published as it is: retrying it would only refuse it again. */
    static boolean refusedForGood(Throwable error) {
        return error instanceof RecordTooLargeException || error instanceof InvalidRecordException;
    }

    void start(@Observes StartupEvent event) {
        if (!config.enabled()) {
            Log.info("Outbox relay disabled (relay.outbox.enabled=false): rows wait in the outbox");
            return;
        }
        startLoop();
    }

    /** The background loops; the benchmark starts them on a relay of its own. */
    void startLoop() {
        running = true;
        int loops = Math.max(1, config.concurrentBatches());
        for (int i = 1; i <= loops; i++) {
            Semaphore wake = new Semaphore(0);
            wakes.add(wake);
            Thread thread = new Thread(() -> loop(wake), loops == 1 ? "outbox-relay" : "outbox-relay-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        stopLoop();
    }

    void stopLoop() throws InterruptedException {
        running = false;
        wakes.forEach(Semaphore::release);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Thread thread : threads) {
            // A batch in flight usually finishes in milliseconds. If Kafka is away it may not: we do not
            // hold the shutdown for it (its uncommitted rows stay pending and are sent again: at least once).
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
    }

    /** Called after a transition commits: look for rows now rather than at the next poll. */
    public void wake() {
        for (Semaphore wake : wakes) {
            if (wake.availablePermits() == 0) {
                wake.release();
            }
        }
    }

    private void loop(Semaphore wake) {
        long backoff = 0;
        while (running) {
            long waitMs;
            try {
                BatchResult result = publishBatch();
                if (result.failed() > 0) {
                    backoff = nextBackoff(backoff);
                    waitMs = backoff;
                } else {
                    backoff = 0;
                    // a full or partial batch may have left successors eligible: go on at once
                    waitMs = result.claimed() > 0 ? 0 : config.pollInterval().toMillis();
                }
            } catch (RuntimeException e) {
                Log.warnf("Outbox relay cycle failed, retrying: %s", e.toString());
                backoff = nextBackoff(backoff);
                waitMs = backoff;
            }
            if (waitMs > 0) {
                try {
                    wake.tryAcquire(waitMs, TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private long nextBackoff(long previous) {
        long base = Math.max(config.pollInterval().toMillis(), 1);
        return Math.min(previous == 0 ? base : previous * 2, config.maxBackoff().toMillis());
    }

    /** One claim-send-acknowledge-mark cycle, in its own transaction. */
    public BatchResult publishBatch() {
        int timeoutSeconds = (int) (ackWait().toSeconds() + 30);
        return QuarkusTransaction.requiringNew().timeout(timeoutSeconds).call(this::publishClaimed);
    }

    private BatchResult publishClaimed() {
        long t0 = System.nanoTime();
        List<OutboxRow> rows = store.claimHeads(config.batchSize());
        long t1 = System.nanoTime();
        if (rows.isEmpty()) {
            return new BatchResult(0, 0, 0, 0);
        }
        long deadline = System.nanoTime() + ackWait().toNanos();
        List<CompletableFuture<Void>> sends = new ArrayList<>(rows.size());
        sends.addAll(sentOutsideTransaction(rows.subList(0, 1)));
        Throwable probeError = probe ? outcome(sends.get(0), deadline) : null;
        if (probeError == null || refusedForGood(probeError)) {
            sends.addAll(sentOutsideTransaction(rows.subList(1, rows.size())));
        }
        long t2 = System.nanoTime();
        List<Long> acknowledged = new ArrayList<>(sends.size());
        Throwable firstError = null;
        int parked = 0;
        for (int i = 0; i < sends.size(); i++) {
            OutboxRow row = rows.get(i);
            Throwable error = outcome(sends.get(i), deadline);
            if (error == null) {
                acknowledged.add(row.id());
            } else if (refusedForGood(error)) {
                park(row, error);
                parked++;
            } else {
                firstError = firstError == null ? error : firstError;
            }
        }
        long t3 = System.nanoTime();
        store.markSent(acknowledged);
        long t4 = System.nanoTime();
        Log.debugf("Outbox batch: %d rows, claim %d ms, send %d ms, ack %d ms, mark %d ms", rows.size(), (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000);
        int failed = rows.size() - acknowledged.size() - parked;
        probe = failed > 0;
        if (failed > 0) {
            metrics.failed(failed);
            Log.warnf("Kafka acknowledged %d of %d outbox records; the others stay pending: %s",
                    acknowledged.size(), rows.size(), firstError);
        }
        return new BatchResult(rows.size(), acknowledged.size(), failed, parked);
    }

    /**
     * Sends the rows with this cycle's transaction suspended (it stays open, its row locks held): the channel clears
     * the caller's contexts around every message, and clearing a transaction is a suspend and a resume per message.
     */
    private List<CompletableFuture<Void>> sentOutsideTransaction(List<OutboxRow> rows) {
        return QuarkusTransaction.suspendingExisting().call(() -> rows.stream().map(this::sent).toList());
    }

    /** Sends the row's record; commit-to-ack is measured when the broker's acknowledgement arrives. */
    private CompletableFuture<Void> sent(OutboxRow row) {
        CompletableFuture<Void> acknowledged = send.apply(row);
        acknowledged.thenRun(() -> metrics.acknowledged(Duration.between(row.createdAt(), Instant.now())));
        return acknowledged;
    }

    /**
     * The longest wait for an acknowledgement: the producer's delivery timeout (its own retries included; the channel
     * does not resend, {@code retries=0}), plus the send's wait for metadata ({@code max.block.ms}), plus a margin.
     */
    private Duration ackWait() {
        return config.deliveryTimeout().plusSeconds(25);
    }

    /** Null once the record is acknowledged, else why not (a wait past the deadline counts as a failure). */
    private static Throwable outcome(CompletableFuture<Void> sent, long deadlineNanos) {
        try {
            sent.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    private void park(OutboxRow row, Throwable error) {
        String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
        reason = reason.length() > 500 ? reason.substring(0, 500) : reason;
        store.park(row.id(), reason);
        metrics.parked();
        try (OrderMdc mdc = OrderMdc.of(row.orderId())) {
            Log.warnf("Outbox event %s of order %s (sequence %d, %d bytes) parked: Kafka refused it for good (%s). "
                + "Only this order's later events wait; an admin retries or skips it under /v1/admin/outbox/parked",
                    row.eventId(), row.orderId(), row.sequence(), row.payload().length, reason);
        }
    }
}
