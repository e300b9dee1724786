package io.orderrelay.tracking;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;

import io.orderrelay.order.Observation;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionSource;
import io.orderrelay.upstream.UpstreamClient;
import io.orderrelay.upstream.UpstreamException;
import io.orderrelay.upstream.UpstreamLimits;
import io.orderrelay.upstream.UpstreamOrder;
import io.orderrelay.upstream.UpstreamStreams;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Follows one claimed order: holds its upstream stream, reconnects with backoff, polls while the stream is
 * unavailable, reconciles with a GET now and then, and applies every observation in arrival order. Every field is
 * confined to one Vert.x event-loop context (no thread of its own, no locks); observations go to the database
 * through the order's {@link ObservationLane} (one at a time) and their outcomes come back with
 * {@link Context#runOnContext}. While the lane is backlogged the subscriber stops reading its stream and skips its
 * polls and reconciles.
 */
final class OrderSubscriber implements UpstreamStreams.Listener, ObservationLane.Subscriber {

    final UUID orderId;
    private final String upstreamOrderId;
    private final String countryCode;
    private final Tracker tracker;
    private final Vertx vertx;
    private final Context context;
    private final ObservationLane lane;

    private UpstreamStreams.Subscription stream;
    private boolean streamLive;
    private boolean validOnThisStream;
    private String lastStreamState;
    private long backoffMillis;
    private long reconnectTimer = -1;
    private long reconcileTimer = -1;
    private long pollTimer = -1;
    private boolean polling;
    private boolean pollInFlight;
    private volatile boolean ended;

    OrderSubscriber(Tracker tracker, UUID orderId, String upstreamOrderId, String countryCode) {
        this.tracker = tracker;
        this.orderId = orderId;
        this.upstreamOrderId = upstreamOrderId;
        this.countryCode = countryCode;
        this.vertx = tracker.deps.vertx();
        this.context = vertx.getOrCreateContext();
        this.backoffMillis = tracker.settings.backoffMin().toMillis();
        this.lane = new ObservationLane(orderId, tracker.deps.pipeline(), context, this, tracker.paused);
    }

    void start() {
        context.runOnContext(v -> {
            connect();
            scheduleReconcile();
        });
    }

    /** Stops following the order (tracker stopping, lease lost); nothing more is applied after it. */
    void stop() {
        ended = true;
        context.runOnContext(v -> close());
    }

    boolean isEnded() {
        return ended;
    }

    // ---- the stream ----

    private void connect() {
        reconnectTimer = -1;
        if (ended) {
            return;
        }
        validOnThisStream = false;
        stream = tracker.deps.streams().subscribe(upstreamOrderId, countryCode, this);
        if (lane.paused()) {
            stream.pause();
        }
    }

    @Override
    public void onOpen() {
        if (ended) {
            return;
        }
        streamLive = true;
        tracker.liveStreams.incrementAndGet();
    }

    @Override
    public void onEvent(String name, String data) {
        if (ended) {
            return;
        }
        if ("message".equals(name)) {
            UpstreamOrder order = parse(data);
            if (order == null) {
                tracker.deps.metrics().invalidPayload();
                return;
            }
            validOnThisStream = true;
            lastStreamState = order.orderState();
            backoffMillis = tracker.settings.backoffMin().toMillis();
            stopPolling();
            enqueue(Observation.upstream(order, TransitionSource.STREAM));
        } else if ("stop".equals(name)) {
            // a hint only: believe it once a GET says the order is terminal (the stream's last word may be stale)
            if (lastStreamState == null || !OrderState.isTerminal(lastStreamState)) {
                fetch(TransitionSource.RECONCILE, () -> {
                });
            }
        }
    }

    private UpstreamOrder parse(String data) {
        if (data.length() > UpstreamLimits.MAX_SNAPSHOT_CHARS) {
            // over the limit whatever it holds: not worth parsing
            Log.debugf("Order %s: ignored a stream payload of %d characters", orderId, data.length());
            return null;
        }
        try {
            JsonNode node = tracker.deps.json().readTree(data);
            return UpstreamOrder.parse(node, upstreamOrderId);
        } catch (java.io.IOException | RuntimeException e) {
            Log.debugf("Order %s: ignored an invalid stream payload (%s)", orderId, e.getMessage());
            return null;
        }
    }

    @Override
    public void onEnd() {
        streamClosed(null);
    }

    @Override
    public void onFailure(UpstreamException failure) {
        streamClosed(failure);
    }

    private void streamClosed(UpstreamException failure) {
        if (streamLive) {
            streamLive = false;
            tracker.liveStreams.decrementAndGet();
        }
        stream = null;
        if (ended) {
            return;
        }
        if (!validOnThisStream) {
            // refused, unreachable, or cut before saying anything: the stream is unavailable, poll meanwhile
            Log.debugf("Order %s: stream unavailable (%s); polling", orderId,
                    failure == null ? "ended without a message" : failure.getMessage());
            startPolling();
        }
        long delay = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
        backoffMillis = Math.min(backoffMillis * 2, tracker.settings.backoffMax().toMillis());
        reconnectTimer = vertx.setTimer(Math.max(1, delay), t -> {
            tracker.deps.metrics().reconnect();
            connect();
        });
    }

    // ---- polling and reconciling ----

    private void startPolling() {
        if (polling) {
            return;
        }
        polling = true;
        tracker.polling.incrementAndGet();
        poll();
    }

    private void stopPolling() {
        if (!polling) {
            return;
        }
        polling = false;
        tracker.polling.decrementAndGet();
        cancel(pollTimer);
        pollTimer = -1;
    }

    private void poll() {
        pollTimer = -1;
        if (!polling || ended || pollInFlight) {
            return;
        }
        if (lane.backlogged()) {
            // the database is behind on this order: asking upstream again would only pile up more to apply
            pollTimer = vertx.setTimer(tracker.settings.pollInterval().toMillis(), t -> poll());
            return;
        }
        pollInFlight = true;
        fetchThen(TransitionSource.POLL, retryAfterMillis -> {
            pollInFlight = false;
            if (polling && !ended) {
                long next = Math.max(tracker.settings.pollInterval().toMillis(), retryAfterMillis);
                pollTimer = vertx.setTimer(next, t -> poll());
            }
        });
    }

    private void scheduleReconcile() {
        long every = tracker.settings.reconcileInterval().toMillis();
        // spread the GETs of orders claimed together
        long first = every / 2 + ThreadLocalRandom.current().nextLong(every / 2 + 1);
        reconcileTimer = vertx.setTimer(first, t -> reconcile());
    }

    private void reconcile() {
        if (ended) {
            return;
        }
        if (!polling && !lane.backlogged()) {
            fetch(TransitionSource.RECONCILE, () -> {
            });
        }
        reconcileTimer = vertx.setTimer(tracker.settings.reconcileInterval().toMillis(), t -> reconcile());
    }

    private void fetch(TransitionSource source, Runnable then) {
        fetchThen(source, retryAfter -> then.run());
    }

    /** GET /v5/orders/{id}; the observation is queued; {@code then} gets the Retry-After asked for (0 if none). */
    private void fetchThen(TransitionSource source, java.util.function.LongConsumer then) {
        UpstreamClient upstream = tracker.deps.upstream();
        upstream.orderAsync(upstreamOrderId, countryCode).subscribe().with(
                order -> context.runOnContext(v -> {
                    if (!ended) {
                        enqueue(Observation.upstream(order, source));
                    }
                    then.accept(0);
                }),
                failure -> context.runOnContext(v -> {
                    if (failure instanceof UpstreamOrder.InvalidPayload) {
                        // an answer that is not this order, or over a limit: counted like a stream message
                        tracker.deps.metrics().invalidPayload();
                    }
                    long retryAfter = 0;
                    if (failure instanceof UpstreamException.RateLimited limited && limited.retryAfterSeconds() != null) {
                        retryAfter = limited.retryAfterSeconds() * 1000;
                    }
                    Log.debugf("Order %s: GET failed (%s)", orderId, failure.getMessage());
                    then.accept(retryAfter);
                }));
    }

    // ---- applying observations, one at a time and in order ----

    private void enqueue(Observation observation) {
        lane.add(observation);
    }

    @Override
    public void readStream(boolean paused) {
        if (stream != null) {
            if (paused) {
                stream.pause();
            } else {
                stream.resume();
            }
        }
    }

    @Override
    public void applied(Observation observation, ObservationApplier.Outcome outcome) {
        if (outcome != null && outcome.recorded().isPresent()) {
            tracker.deps.metrics().transition(observation.source(), observation.observedAt());
        }
        if (ended) {
            return;
        }
        if (outcome != null && outcome.terminal()) {
            finish();
            return;
        }
        lane.next();
    }

    /** The order is terminal in our database: nothing more to follow. */
    private void finish() {
        ended = true;
        close();
        tracker.finished(this);
    }

    private void close() {
        lane.close();
        stopPolling();
        cancel(reconnectTimer);
        cancel(reconcileTimer);
        reconnectTimer = -1;
        reconcileTimer = -1;
        if (stream != null) {
            stream.cancel();
            stream = null;
        }
        if (streamLive) {
            streamLive = false;
            tracker.liveStreams.decrementAndGet();
        }
    }

    private void cancel(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
