package io.orderrelay.tracking;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.orderrelay.order.Observation;
import io.vertx.core.Context;

/**
 * One order's observations on their way to the database, in arrival order: at most one with the
 * {@link ObservationPipeline}, the next ones waiting here. It says when the order's stream should stop being read:
 * while the pipeline refuses more (it calls back when there is room) or {@link #PENDING_LIMIT} observations wait
 * here. Confined to its subscriber's Vert.x context, like the subscriber.
 */
final class ObservationLane {

    /** What the lane asks of its subscriber, always on the subscriber's context. */
    interface Subscriber {
        /** Stop (true) or go on (false) reading the stream. */
        void readStream(boolean paused);

        /** The outcome of the observation handed over (null: not applied); call {@link #next()} to go on. */
        void applied(Observation observation, ObservationApplier.Outcome outcome);
    }

    /** Observations waiting here (besides the one being applied) at which the stream is no longer read. */
    static final int PENDING_LIMIT = 4;

    private final UUID orderId;
    private final ObservationPipeline pipeline;
    private final Context context;
    private final Subscriber subscriber;
    private final AtomicInteger pausedLanes;
    private final Deque<Observation> pending = new ArrayDeque<>(PENDING_LIMIT);
    private boolean applying;
    private boolean waitingForRoom;
    private boolean paused;
    private boolean closed;

    ObservationLane(UUID orderId, ObservationPipeline pipeline, Context context, Subscriber subscriber,
            AtomicInteger pausedLanes) {
        this.orderId = orderId;
        this.pipeline = pipeline;
        this.context = context;
        this.subscriber = subscriber;
        this.pausedLanes = pausedLanes;
    }

    void add(Observation observation) {
        if (!closed) {
            pending.addLast(observation);
            next();
        }
    }

    /** Hands the next observation over when none is being applied (after an outcome, or when there is room again). */
    void next() {
        if (!applying && !closed && !waitingForRoom && !pending.isEmpty()) {
            Observation head = pending.peekFirst();
            if (pipeline.offer(new ObservationPipeline.Work(orderId, head,
                    outcome -> context.runOnContext(v -> done(head, outcome))))) {
                pending.pollFirst();
                applying = true;
            } else {
                waitingForRoom = true;
                pipeline.whenRoom(() -> context.runOnContext(v -> {
                    waitingForRoom = false;
                    next();
                }));
            }
        }
        flow();
    }

    /** More to apply than the database takes now: asking upstream again (poll, reconcile) would only add to it. */
    boolean backlogged() {
        return waitingForRoom || pending.size() >= PENDING_LIMIT;
    }

    boolean paused() {
        return paused;
    }

    /** Nothing more is handed over; what waits here is dropped (the order is no longer followed here). */
    void close() {
        closed = true;
        pending.clear();
        flow();
    }

    private void done(Observation observation, ObservationApplier.Outcome outcome) {
        applying = false;
        subscriber.applied(observation, outcome);
    }

    private void flow() {
        boolean pause = !closed && backlogged();
        if (pause == paused) {
            return;
        }
        paused = pause;
        if (pause) {
            pausedLanes.incrementAndGet();
        } else {
            pausedLanes.decrementAndGet();
        }
        if (!closed) {
            subscriber.readStream(pause);
        }
    }
}
