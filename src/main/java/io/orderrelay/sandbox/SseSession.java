package io.orderrelay.sandbox;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.orderrelay.sandbox.SandboxOrder.Snapshot;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * One /subscribe stream. Lives on the connection's event loop: changes from other threads are handed over with
 * {@link Context#runOnContext}, so a stream costs one small object and no thread.
 */
final class SseSession implements SandboxOrder.Subscriber {

    /** The stream faults taken when the stream opened. */
    record StreamFaults(Integer dropAfter, boolean duplicate, boolean stale, List<String> malformed, boolean earlyStop,
            boolean stringTimestamps) {
    }

    private final RoutingContext rc;
    private final HttpServerResponse response;
    private final Context context;
    private final SandboxOrder order;
    private final StreamFaults faults;
    private final ObjectMapper mapper;
    private int sent;
    private boolean closed;
    private io.vertx.core.Future<Void> lastWrite = io.vertx.core.Future.succeededFuture();

    SseSession(RoutingContext rc, Context context, SandboxOrder order, StreamFaults faults, ObjectMapper mapper) {
        this.rc = rc;
        this.response = rc.response();
        this.context = context;
        this.order = order;
        this.faults = faults;
        this.mapper = mapper;
    }

    /** Called on the event loop of the request. */
    void start() {
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-cache, no-transform")
                .putHeader("X-Accel-Buffering", "no");
        response.closeHandler(v -> gone());
        response.exceptionHandler(e -> gone());
        Snapshot first = order.subscribe(this);
        if (faults.dropAfter() != null && faults.dropAfter() <= 0) {
            response.write(": sandbox\n\n"); // headers out, then cut
            abort();
            return;
        }
        send(first, faults.stale() ? order.before(first) : null);
    }

    @Override
    public void onChange(Snapshot current, Snapshot previous) {
        context.runOnContext(v -> send(current, previous));
    }

    private void send(Snapshot snapshot, Snapshot previous) {
        if (closed) {
            return;
        }
        if (faults.malformed() != null) {
            for (String variant : faults.malformed()) {
                writeData(malformed(variant, snapshot));
            }
        }
        writeMessage(snapshot);
        if (faults.duplicate()) {
            writeMessage(snapshot);
        }
        if (faults.stale() && previous != null) {
            writeMessage(previous);
        }
        sent++;
        if (faults.dropAfter() != null && sent >= faults.dropAfter()) {
            abort();
        } else if (faults.earlyStop() || snapshot.terminal()) {
            ObjectNode stop = mapper.createObjectNode();
            stop.put("order_id", order.id);
            stop.put("order_state", snapshot.state());
            response.write("event: stop\ndata: " + stop + "\n\n");
            closed = true;
            order.unsubscribe(this);
            response.end();
        }
    }

    private void writeMessage(Snapshot snapshot) {
        writeData(faults.stringTimestamps() ? toJson(SandboxRoutes.withStringTimestamps(snapshot.json())) : snapshot.text());
    }

    private void writeData(String data) {
        lastWrite = response.write("data: " + data + "\n\n");
    }

    private String malformed(String variant, Snapshot snapshot) {
        return switch (variant) {
            case "invalid_json" -> "{\"order_id\":\"" + order.id + "\",\"order_state\":";
            case "missing_state" -> {
                ObjectNode o = snapshot.json().deepCopy();
                o.remove("order_state");
                yield toJson(o);
            }
            case "other_order" -> {
                // another order, already Done: a client that forgets to check order_id would finish the wrong one
                ObjectNode o = snapshot.json().deepCopy();
                o.put("order_id", UUID.randomUUID().toString());
                o.put("order_state", OrderStates.DONE);
                yield toJson(o);
            }
            case "numeric_state" -> {
                ObjectNode o = snapshot.json().deepCopy();
                o.put("order_state", 3);
                yield toJson(o);
            }
            default -> throw new IllegalStateException(variant);
        };
    }

    private String toJson(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cuts the connection without the closing chunk: what a proxy or a crash looks like to the client. */
    private void abort() {
        closed = true;
        order.unsubscribe(this);
        // once the last message has left, and a moment later: a cut right behind the data can make the
        // client discard what it had not read yet, and the fault is "stream breaks after n messages"
        lastWrite.onComplete(v -> rc.vertx().setTimer(100, t -> rc.request().connection().close()));
    }

    private void gone() {
        closed = true;
        order.unsubscribe(this);
    }
}
