package io.orderrelay.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.orderrelay.config.RelayConfig;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;

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
 */
@ApplicationScoped
public class OutboxRelay {

    public static final String HEADER_ID = "ce_id";
    public static final String HEADER_TYPE = "ce_type";
    /** CloudEvents Kafka binding: marks the value as a structured-mode event. */
    public static final String HEADER_CONTENT_TYPE = "content-type";
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    private final OutboxStore store;
    private final KafkaClients kafka;
    private final OutboxMetrics metrics;
    private final OutboxConfig config;
    private final String topic;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private volatile boolean lastBatchFailed;
    private Thread thread;

    public OutboxRelay(OutboxStore store, KafkaClients kafka, OutboxMetrics metrics, OutboxConfig config,
            RelayConfig relay) {
        this.store = store;
        this.kafka = kafka;
        this.metrics = metrics;
        this.config = config;
        this.topic = relay.kafka().topic();
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
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        wake.release();
        if (thread != null) {
            // A batch in flight usually finishes in milliseconds. If Kafka is away it may not: we do not
            // hold the shutdown for it (its uncommitted rows stay pending and are sent again: at least once).
            thread.join(10_000);
        }
    }

    /** Called after a transition commits: look for rows now rather than at the next poll. */
    public void wake() {
        if (wake.availablePermits() == 0) {
            wake.release();
        }
    }

    /** True when the last cycle had rows Kafka did not acknowledge. */
    public boolean lastBatchFailed() {
        return lastBatchFailed;
    }

    private void loop() {
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

    /** The error of a send the producer failed before sending anything, else null. */
    private static Throwable failedAtOnce(Future<RecordMetadata> sent) {
        if (!sent.isDone()) {
            return null;
        }
        try {
            sent.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }

    /** One claim-send-acknowledge-mark cycle, in its own transaction. */
    public BatchResult publishBatch() {
        int timeoutSeconds = (int) (config.deliveryTimeout().toSeconds() + 30);
        return QuarkusTransaction.requiringNew().timeout(timeoutSeconds).call(this::publishClaimed);
    }

    private BatchResult publishClaimed() {
        long t0 = System.nanoTime();
        List<OutboxRow> rows = store.claimHeads(config.batchSize());
        long t1 = System.nanoTime();
        if (rows.isEmpty()) {
            lastBatchFailed = false;
            return new BatchResult(0, 0, 0, 0);
        }
        Producer<String, byte[]> producer = kafka.producer();
        List<Future<RecordMetadata>> sends = new ArrayList<>(rows.size());
        RuntimeException fatal = null;
        for (OutboxRow row : rows) {
            try {
                Future<RecordMetadata> sent = producer.send(record(row), (metadata, error) -> {
                    if (error == null) {
                        metrics.acknowledged(Duration.between(row.createdAt(), Instant.now()));
                    }
                });
                sends.add(sent);
                Throwable atOnce = failedAtOnce(sent);
                if (atOnce != null && !refusedForGood(atOnce)) {
                    // the producer gave up before sending (no metadata within max.block.ms): do not spend that
                    // wait again on every row of the batch; the rest wait for the next cycle. A record refused
                    // for good (e.g. over max.request.size) is parked below and the others go on.
                    break;
                }
            } catch (KafkaException e) {
                // e.g. no metadata within max.block.ms: the broker is away; the rest wait for the next cycle
                fatal = e;
                break;
            }
        }
        long t2 = System.nanoTime();
        producer.flush();
        long t3 = System.nanoTime();
        List<Long> acknowledged = new ArrayList<>(sends.size());
        Throwable firstError = fatal;
        boolean nonRetriable = fatal != null && !(fatal instanceof RetriableException);
        int parked = 0;
        for (int i = 0; i < sends.size(); i++) {
            try {
                sends.get(i).get();
                acknowledged.add(rows.get(i).id());
            } catch (ExecutionException e) {
                Throwable error = e.getCause();
                nonRetriable |= !(error instanceof RetriableException);
                if (refusedForGood(error)) {
                    park(rows.get(i), error);
                    parked++;
                } else {
                    firstError = firstError == null ? error : firstError;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Kafka", e);
            }
        }
        store.markSent(acknowledged, Instant.now());
        long t4 = System.nanoTime();
        Log.debugf("Outbox batch: %d rows, claim %d ms, send %d ms, flush+ack %d ms, mark %d ms", rows.size(), (t1 - t0) / 1_000_000,
                (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, (t4 - t3) / 1_000_000);
        int failed = rows.size() - acknowledged.size() - parked;
        lastBatchFailed = failed > 0;
        if (failed > 0) {
            metrics.failed(failed);
            Log.warnf("Kafka acknowledged %d of %d outbox records; the others stay pending: %s",
                    acknowledged.size(), rows.size(), firstError);
        }
        if (nonRetriable) {
            // after a non-retriable error the idempotent producer's state may be unusable
            kafka.resetProducer();
        }
        return new BatchResult(rows.size(), acknowledged.size(), failed, parked);
    }

    private void park(OutboxRow row, Throwable error) {
        String reason = error.getClass().getSimpleName() + ": " + error.getMessage();
        reason = reason.length() > 500 ? reason.substring(0, 500) : reason;
        store.park(row.id(), reason, Instant.now());
        metrics.parked();
        Log.warnf("Outbox event %s of order %s (sequence %d, %d bytes) parked: Kafka refused it for good (%s). "
                + "Only this order's later events wait; an admin retries or skips it under /v1/admin/outbox/parked",
                row.eventId(), row.orderId(), row.sequence(), row.payload().length, reason);
    }

    /** The Kafka record of a row: key = order id, value = the stored envelope bytes, CloudEvents headers. */
    ProducerRecord<String, byte[]> record(OutboxRow row) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, row.orderId().toString(), row.payload());
        record.headers().add(HEADER_ID, row.eventId().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(HEADER_TYPE, row.type().getBytes(StandardCharsets.UTF_8));
        record.headers().add(HEADER_CONTENT_TYPE, STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
