package io.orderrelay.tracking;

import java.util.ArrayDeque;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import io.orderrelay.order.OrderState;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/**
 * One open {@code /events} response. Nothing here blocks: the database is read on a worker for a moment, the
 * events are queued (at most {@code bufferSize}) and written one at a time, the next when the connection has
 * taken the previous one. A viewer whose queue is full reads nothing more until it drains (the database is the
 * buffer); one whose connection takes no write for {@code writeTimeout} is disconnected.
 */
final class EventViewer {

    /** Why a stream ended. */
    enum End {
        /** Terminal order: {@code stop} was sent. */
        STOPPED,
        /** The client went away or a write failed. */
        GONE,
        /** The connection did not take a write within the deadline. */
        SLOW,
        /** The API key was revoked. */
        REVOKED,
        /** The application stops. */
        SHUTDOWN
    }

    /** What one read found: transitions after the viewer's position, and the order as it is now. */
    record Batch(java.util.List<Row> rows, String orderState, int orderSequence) {
    }

    record Row(int sequence, String envelope) {
    }

    private final OrderEventFeed feed;
    private final Vertx vertx;
    final UUID orderId;
    private final EventStreamSlots.Slot slot;
    private final SseEventSink sink;
    private final Sse sse;
    private final HttpServerResponse response;
    private final int bufferSize;
    private final long writeTimeoutNanos;

    // guarded by this
    private final ArrayDeque<OutboundSseEvent> queue = new ArrayDeque<>();
    private volatile int position;
    private boolean readWanted = true;
    private boolean reading;
    private boolean writing;
    private long writeStartedAt;
    private boolean stopQueued;
    private boolean ended;

    EventViewer(OrderEventFeed feed, Vertx vertx, UUID orderId, int afterSequence, EventStreamSlots.Slot slot,
            SseEventSink sink, Sse sse, HttpServerResponse response, EventStreamConfig config) {
        this.feed = feed;
        this.vertx = vertx;
        this.orderId = orderId;
        this.position = afterSequence;
        this.slot = slot;
        this.sink = sink;
        this.sse = sse;
        this.response = response;
        this.bufferSize = config.bufferSize();
        this.writeTimeoutNanos = config.writeTimeout().toNanos();
    }

    /** The last sequence read for this viewer (queued or sent). */
    int position() {
        return position;
    }

    String keyId() {
        return slot.keyId();
    }

    /** There may be new transitions: read them when the queue has room. */
    void poke() {
        synchronized (this) {
            readWanted = true;
        }
        fill();
    }

    private void fill() {
        int after;
        int limit;
        synchronized (this) {
            limit = bufferSize - queue.size();
            if (ended || stopQueued || reading || !readWanted || limit <= 0) {
                return;
            }
            readWanted = false;
            reading = true;
            after = position;
        }
        vertx.executeBlocking(() -> feed.read(orderId, after, limit), false).onComplete(ar -> {
            synchronized (this) {
                reading = false;
                if (ar.failed()) {
                    // the next poke, poll or sweep reads again
                    readWanted = true;
                }
            }
            if (ar.failed()) {
                Log.debugf("Event stream of order %s: %s", orderId, ar.cause().toString());
            } else {
                accept(ar.result(), limit);
            }
        });
    }

    private void accept(Batch batch, int limit) {
        synchronized (this) {
            if (ended) {
                return;
            }
            for (Row row : batch.rows()) {
                queue.add(sse.newEventBuilder().id(String.valueOf(row.sequence())).name("transition")
                        .data(String.class, row.envelope()).build());
                position = row.sequence();
            }
            if (batch.rows().size() == limit) {
                readWanted = true;
            } else if (OrderState.isTerminal(batch.orderState()) && position >= batch.orderSequence()) {
                queue.add(sse.newEventBuilder().name("stop").data(String.class, feed.stopData(orderId, position))
                        .build());
                stopQueued = true;
            }
        }
        pump();
        fill();
    }

    /** Writes the next queued event once the previous one was taken by the connection. */
    private void pump() {
        OutboundSseEvent next;
        boolean finished = false;
        synchronized (this) {
            if (ended || writing) {
                return;
            }
            if (!response.headWritten()) {
                // the response head goes out right after the resource method returned: never race it
                vertx.setTimer(10, t -> pump());
                return;
            }
            next = queue.poll();
            if (next == null) {
                finished = stopQueued;
            } else {
                writing = true;
                writeStartedAt = System.nanoTime();
            }
        }
        if (finished) {
            end(End.STOPPED);
            return;
        }
        if (next == null) {
            return;
        }
        CompletionStage<?> written;
        try {
            written = sink.send(next);
        } catch (IllegalStateException closed) {
            end(End.GONE);
            return;
        }
        written.whenComplete((v, failure) -> {
            if (failure != null) {
                end(End.GONE);
                return;
            }
            synchronized (this) {
                writing = false;
            }
            pump();
            fill();
        });
    }

    /** A comment line when the connection is idle, so that proxies keep it open. */
    void heartbeat() {
        synchronized (this) {
            if (ended || writing || !queue.isEmpty()) {
                return;
            }
            queue.add(sse.newEventBuilder().comment("heartbeat").build());
        }
        pump();
    }

    /** Periodic: notices a client gone, drops a viewer whose connection stopped taking writes, retries a read. */
    void sweep(long nanoTime) {
        boolean slow;
        synchronized (this) {
            slow = writing && nanoTime - writeStartedAt > writeTimeoutNanos;
        }
        if (sink.isClosed()) {
            end(End.GONE);
        } else if (slow) {
            end(End.SLOW);
        } else {
            fill();
        }
    }

    /** Ends the stream once: frees its slot; a connection that may hold unsent bytes is closed outright. */
    void end(End why) {
        boolean inFlight;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            inFlight = writing;
            queue.clear();
        }
        slot.release();
        feed.ended(this, why);
        try {
            sink.close();
        } catch (RuntimeException e) {
            Log.debugf("Event stream of order %s: close failed: %s", orderId, e.toString());
        }
        if (why == End.SLOW || inFlight && why != End.STOPPED) {
            // a graceful end would wait behind the bytes this client does not read
            response.close();
        }
    }
}
