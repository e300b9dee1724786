package io.orderrelay.tracking;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderrelay.order.Observation;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionSource;
import io.orderrelay.tracing.OrderMdc;
import io.orderrelay.upstream.UpstreamException;
import io.orderrelay.upstream.UpstreamLimits;
import io.orderrelay.upstream.UpstreamOrder;
import io.orderrelay.upstream.UpstreamStreams;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Follows one claimed order: holds its upstream stream, reconnects with backoff, has its {@link OrderPoller} poll
 * while the stream is unavailable and reconcile with a GET now and then, and applies every observation in arrival
 * order. Every field is confined to one Vert.x event-loop context (no thread of its own, no locks); observations go
 * to the database through the order's {@link ObservationLane} (one at a time) and their outcomes come back with
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
    private final OrderPoller poller;

    private UpstreamStreams.Subscription stream;
    private boolean streamLive;
    private boolean validOnThisStream;
    private String lastStreamState;
    private long backoffMillis;
    private long reconnectTimer = -1;
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
        this.poller = new OrderPoller(tracker, orderId, upstreamOrderId, countryCode, context, lane, this::isEnded);
    }

    void start() {
        context.runOnContext(v -> {
            connect();
            poller.scheduleReconcile();
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
        try (OrderMdc mdc = OrderMdc.of(orderId)) {
            handleEvent(name, data);
        }
    }

    private void handleEvent(String name, String data) {
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
            poller.stopPolling();
            enqueue(tracker.deps.traces().traced(orderId, Observation.upstream(order, TransitionSource.STREAM)));
        } else if ("stop".equals(name)) {
            // a hint only: believe it once a GET says the order is terminal (the stream's last word may be stale)
            if (lastStreamState == null || !OrderState.isTerminal(lastStreamState)) {
                poller.reconcileOnce();
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
        try (OrderMdc mdc = OrderMdc.of(orderId)) {
            streamClosed(null);
        }
    }

    @Override
    public void onFailure(UpstreamException failure) {
        try (OrderMdc mdc = OrderMdc.of(orderId)) {
            streamClosed(failure);
        }
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
            poller.startPolling();
        }
        long delay = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
        backoffMillis = Math.min(backoffMillis * 2, tracker.settings.backoffMax().toMillis());
        reconnectTimer = vertx.setTimer(Math.max(1, delay), t -> {
            tracker.deps.metrics().reconnect();
            connect();
        });
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
        poller.close();
        if (reconnectTimer >= 0) {
            vertx.cancelTimer(reconnectTimer);
        }
        reconnectTimer = -1;
        if (stream != null) {
            stream.cancel();
            stream = null;
        }
        if (streamLive) {
            streamLive = false;
            tracker.liveStreams.decrementAndGet();
        }
    }
}
