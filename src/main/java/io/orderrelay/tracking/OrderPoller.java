package io.orderrelay.tracking;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import io.orderrelay.order.Observation;
import io.orderrelay.order.TransitionSource;
import io.orderrelay.tracing.OrderMdc;
import io.orderrelay.upstream.UpstreamClient;
import io.orderrelay.upstream.UpstreamException;
import io.orderrelay.upstream.UpstreamOrder;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The {@code GET /v5/orders/{id}} side of following one order: polls while its stream is unavailable (every
 * poll interval, or later when a 429 asks so with Retry-After), reconciles now and then while it is not polling,
 * and checks once on demand (a {@code stop} hint). Answers go to the order's {@link ObservationLane}; while the lane
 * is backlogged polls and reconciles are skipped. Confined to its subscriber's Vert.x context, like the subscriber.
 */
final class OrderPoller {

    private final Tracker tracker;
    private final UUID orderId;
    private final String upstreamOrderId;
    private final String countryCode;
    private final Vertx vertx;
    private final Context context;
    private final ObservationLane lane;
    /** The subscriber's own flag: set from any thread when it stops, before {@link #close()} runs. */
    private final BooleanSupplier ended;

    private long reconcileTimer = -1;
    private long pollTimer = -1;
    private boolean polling;
    private boolean pollInFlight;

    OrderPoller(Tracker tracker, UUID orderId, String upstreamOrderId, String countryCode, Context context,
            ObservationLane lane, BooleanSupplier ended) {
        this.tracker = tracker;
        this.orderId = orderId;
        this.upstreamOrderId = upstreamOrderId;
        this.countryCode = countryCode;
        this.vertx = tracker.deps.vertx();
        this.context = context;
        this.lane = lane;
        this.ended = ended;
    }

    void startPolling() {
        if (polling) {
            return;
        }
        polling = true;
        tracker.polling.incrementAndGet();
        poll();
    }

    void stopPolling() {
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
        if (!polling || ended.getAsBoolean() || pollInFlight) {
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
            if (polling && !ended.getAsBoolean()) {
                long next = Math.max(tracker.settings.pollInterval().toMillis(), retryAfterMillis);
                pollTimer = vertx.setTimer(next, t -> poll());
            }
        });
    }

    void scheduleReconcile() {
        long every = tracker.settings.reconcileInterval().toMillis();
        // spread the GETs of orders claimed together
        long first = every / 2 + ThreadLocalRandom.current().nextLong(every / 2 + 1);
        reconcileTimer = vertx.setTimer(first, t -> reconcile());
    }

    private void reconcile() {
        if (ended.getAsBoolean()) {
            return;
        }
        if (!polling && !lane.backlogged()) {
            reconcileOnce();
        }
        reconcileTimer = vertx.setTimer(tracker.settings.reconcileInterval().toMillis(), t -> reconcile());
    }

    /** One reconciling GET now, whatever the stream and the lane say. */
    void reconcileOnce() {
        fetchThen(TransitionSource.RECONCILE, retryAfter -> {
        });
    }

    /** GET /v5/orders/{id}; the observation is queued; {@code then} gets the Retry-After asked for (0 if none). */
    private void fetchThen(TransitionSource source, LongConsumer then) {
        UpstreamClient upstream = tracker.deps.upstream();
        upstream.orderAsync(upstreamOrderId, countryCode).subscribe().with(
                order -> context.runOnContext(v -> {
                    if (!ended.getAsBoolean()) {
                        lane.add(tracker.deps.traces().traced(orderId, Observation.upstream(order, source)));
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
                    try (OrderMdc mdc = OrderMdc.of(orderId)) {
                        Log.debugf("Order %s: GET failed (%s)", orderId, failure.getMessage());
                    }
                    then.accept(retryAfter);
                }));
    }

    /** No more GETs are scheduled (the order is no longer followed here). */
    void close() {
        stopPolling();
        cancel(reconcileTimer);
        reconcileTimer = -1;
    }

    private void cancel(long timer) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
