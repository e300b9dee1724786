package io.orderrelay.webhook;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.orderrelay.config.RelayConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * Sends due deliveries. One pump thread claims work from the database in batches (one statement fills every
 * endpoint's free slots; SKIP LOCKED plus lease, so replicas share it) and hands each delivery to
 * {@link WebhookSender} (Vert.x' non-blocking HTTP client); nothing blocks per request, so thousands may be in flight
 * on a few threads. Attempts that finish are recorded in batches too, by up to {@link #RECORDERS} transactions at
 * once, so that an answer does not wait for the recording of unrelated ones while its slot is held. Bounds: {@code max-in-flight} on this replica,
 * {@code max-in-flight-per-endpoint} per endpoint across replicas (in the claim query), and an absolute deadline per
 * request, so a hanging endpoint holds its own slots for at most the timeout and the others keep flowing.
 *
 * <p>The deadline is never later than two thirds of the claim lease after the claim: a request always ends, and is
 * recorded, while this replica still holds the claim, so no other replica sends it again meanwhile and the next
 * event of its order (which becomes claimable only once this one is recorded) cannot overtake it.
 */
@ApplicationScoped
public class WebhookDispatcher {

    /** Rows claimed per statement, and attempts recorded per transaction, at most. */
    static final int CLAIM_BATCH = 256;
    static final int RECORD_BATCH = 512;
    /**
     * Recording transactions at once (each holds a worker thread and a connection while it runs). With one, every
     * answer waits for the batch before it (a wait that counted in each slot's cycle as long as its recording), and
     * a batch held by a lock holds every endpoint's slots. Two keep that apart; more only added concurrent
     * transactions on a 2-core machine (quiet paced runs: 4 recorders took CPU from the broker's acknowledgements
     * and no delivery rate was gained; docs/benchmarks.md, fourth pass).
     */
    static final int RECORDERS = 2;

    private final DeliveryQueue queue;
    private final WebhookSender sender;
    private final AttemptRecorder recorder;
    private final WebhookSettings settings;
    private final RetrySchedule schedule;
    private final Vertx vertx;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    private final Queue<Done> finished = new ConcurrentLinkedQueue<>();
    /** Recording transactions running now, at most {@link #RECORDERS}. */
    private final AtomicInteger recording = new AtomicInteger();
    private volatile boolean running;
    private ScheduledExecutorService pump;

    public WebhookDispatcher(DeliveryQueue queue, WebhookSender sender, AttemptRecorder recorder,
            WebhookSettings settings, RelayConfig config, Vertx vertx) {
        this.queue = queue;
        this.sender = sender;
        this.recorder = recorder;
        this.settings = settings;
        this.schedule = RetrySchedule.parse(config.webhook().retrySchedule());
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        if (settings.enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts claiming and sending (at startup unless relay.webhook.dispatcher.enabled=false). */
    public synchronized void start() {
        if (running) {
            return;
        }
        sender.open();
        pump = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-dispatcher");
            t.setDaemon(true);
            return t;
        });
        running = true;
        pump.scheduleWithFixedDelay(this::pumpSafely, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        Log.infof("Webhook dispatcher started (retry schedule %s, request timeout %s)", schedule.delays(),
                sender.budget());
    }

    /** Stops claiming; requests in flight finish and are recorded within the timeout. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        pump.shutdown();
        try {
            long deadline = System.nanoTime() + sender.budget().plusSeconds(1).toNanos();
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            pump.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sender.close();
    }

    /** Looks for work now (after a commit that added deliveries, or a request that finished). */
    public void wake() {
        ScheduledExecutorService p = pump;
        if (running && p != null && pumpQueued.compareAndSet(false, true)) {
            try {
                p.execute(this::pumpSafely);
            } catch (RuntimeException e) {
                pumpQueued.set(false); // shut down meanwhile
            }
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void pumpSafely() {
        pumpQueued.set(false);
        try {
            while (running) {
                int room = Math.min(settings.maxInFlight() - inFlight.get(), CLAIM_BATCH);
                if (room <= 0) {
                    return;
                }
                // measured before the claim: the database's lease starts later, so this deadline is the earlier one
                long claimedAt = System.nanoTime();
                long deadline = claimedAt + sender.budget().toNanos();
                DispatchEvents.Claim event = new DispatchEvents.Claim();
                event.begin();
                List<DeliveryStore.Claimed> claimed = queue.claim(room, settings.maxInFlightPerEndpoint(),
                        settings.lease());
                event.asked = room;
                event.claimed = claimed.size();
                event.commit();
                claimed.forEach(c -> send(c, claimedAt, deadline));
                if (claimed.size() < room) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("Webhook dispatcher could not claim deliveries: %s", e.getMessage());
        }
    }

    /** A finished attempt waiting to be recorded; the times (System.nanoTime) feed {@link DispatchEvents.Slot}. */
    private record Done(AttemptRecorder.Finished finished, long claimedAt, long answeredAt) {
    }

    private void send(DeliveryStore.Claimed claim, long claimedAt, long deadline) {
        inFlight.incrementAndGet();
        sender.send(claim, deadline).onComplete(done -> {
            WebhookSender.Outcome o = done.result();
            finished.add(new Done(new AttemptRecorder.Finished(claim, o.attempt(), o.result()), claimedAt,
                    System.nanoTime()));
            recordFinished();
        });
    }

    /**
     * Records the attempts that finished meanwhile in one transaction, with up to {@link #RECORDERS} such
     * transactions at once: an answer starts a recorder when one is free, and otherwise waits with the others that
     * answer meanwhile for the next free one. A recorder takes its batch when its worker thread starts, not when it
     * is asked for, so answers arriving together (the slots of one claim answer within milliseconds of each other)
     * are recorded together rather than one per transaction. So an attempt waits for the recording of unrelated
     * attempts only when every recorder is busy, and batches grow with the load. A slot is freed only once its
     * attempt is recorded; concurrent batches never touch the same line (a line has one claimed head) and lock
     * their lines in the one sorted order, so they cannot deadlock.
     */
    private void recordFinished() {
        while (!finished.isEmpty()) {
            int busy = recording.get();
            if (busy >= RECORDERS) {
                return; // a recorder that ends looks again
            }
            if (recording.compareAndSet(busy, busy + 1)) {
                record(busy + 1);
                return;
            }
        }
    }

    private void record(int recorders) {
        List<Done> batch = new ArrayList<>();
        long[] startedAt = new long[1];
        vertx.executeBlocking(() -> {
            for (Done d; batch.size() < RECORD_BATCH && (d = finished.poll()) != null; ) {
                batch.add(d);
            }
            startedAt[0] = System.nanoTime();
            if (batch.isEmpty()) {
                return null; // another recorder took them meanwhile
            }
            DispatchEvents.RecordBatch event = new DispatchEvents.RecordBatch();
            event.begin();
            recorder.recordAll(batch.stream().map(Done::finished).toList());
            event.attempts = batch.size();
            event.inFlight = recorders;
            event.oldestWaitMs = (startedAt[0] - batch.get(0).answeredAt()) / 1_000_000;
            event.commit();
            return null;
        }, false).onComplete(done -> {
            recording.decrementAndGet();
            if (!batch.isEmpty()) {
                slotEvents(batch, startedAt[0]);
                batch.forEach(d -> settle(d, done.cause(), 0));
                wake();
            }
            recordFinished();
        });
    }

    private static void slotEvents(List<Done> batch, long recordingStartedAt) {
        long now = System.nanoTime();
        for (Done d : batch) {
            DispatchEvents.Slot event = new DispatchEvents.Slot();
            if (!event.isEnabled()) {
                return;
            }
            event.sendMs = (d.answeredAt() - d.claimedAt()) / 1_000_000;
            event.queuedMs = (recordingStartedAt - d.answeredAt()) / 1_000_000;
            event.recordMs = (now - recordingStartedAt) / 1_000_000;
            event.commit();
        }
    }

    /** A later try for one attempt whose batch could not be recorded: alone, so one bad row holds no other. */
    private void recordAgain(Done d, int tries) {
        vertx.executeBlocking(() -> {
            recorder.recordAgain(d.finished(), tries);
            return null;
        }, false).onComplete(done -> {
            settle(d, done.cause(), tries);
            wake();
        });
    }

    /**
     * After a try at recording ({@code tries} earlier ones failed): frees the slot when recorded; otherwise logs and
     * tries again later (the request is never sent again silently), giving up only at shutdown.
     */
    private void settle(Done d, Throwable failure, int tries) {
        DeliveryStore.Claimed claim = d.finished().claim();
        if (failure == null || !running) {
            if (failure != null) {
                Log.warnf("Webhook attempt of delivery %s not recorded before shutdown; its claim expires and it is "
                        + "sent again", claim.id());
            }
            inFlight.decrementAndGet();
            return;
        }
        // shorter than the lease: each try renews the claim before it can run out
        long delay = Math.min(Math.min(10_000, settings.lease().toMillis() / 3), 500L << Math.min(tries, 5));
        Log.warnf("Webhook attempt of delivery %s (endpoint %s) could not be recorded (try %d), trying again in "
                + "%d ms: %s", claim.id(), claim.endpointId(), tries + 1, delay, firstLine(failure));
        vertx.setTimer(delay, id -> recordAgain(d, tries + 1));
    }

    /** The first line of a failure, without the row values a database error may detail. */
    private static String firstLine(Throwable e) {
        return ResponseText.clean(WebhookSender.describe(e), 300);
    }
}
