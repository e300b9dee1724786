package io.orderrelay.upstream;

import java.net.URI;
import java.time.Duration;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.orderrelay.config.RelayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.parsetools.RecordParser;

/**
 * Upstream's {@code GET /v5/orders/{id}/subscribe} Server-Sent Events stream, on a Vert.x HTTP client of its own:
 * a stream holds one connection for as long as the order lives, so it must not share (and exhaust) the pool of
 * the REST client, and costs no thread. Callbacks run on the Vert.x context {@link #subscribe} was called on.
 */
@ApplicationScoped
public class UpstreamStreams {

    /** Receives one stream's life. Exactly one of {@link #onEnd} or {@link #onFailure} ends it (unless cancelled). */
    public interface Listener {
        /** 200 with an event stream: the stream is live. */
        void onOpen();

        /** One event; {@code name} is {@code message} for default events. */
        void onEvent(String name, String data);

        /** The server closed the stream cleanly. */
        void onEnd();

        /** The stream could not be opened (status, connection) or broke. */
        void onFailure(UpstreamException failure);
    }

    /** A live or opening stream; {@link #cancel()} closes it without calling the listener again. */
    public interface Subscription {
        void cancel();

        /**
         * Stops reading the stream (back-pressure: the events wait in the connection, upstream's sends block once
         * the TCP windows are full); call it on the stream's context. Also before the answer arrived.
         */
        void pause();

        /** Reads again after {@link #pause()}. */
        void resume();
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final URI base;
    private final String partnerId;
    private final String version;
    private final long headersTimeoutMillis;

    public UpstreamStreams(Vertx vertx, RelayConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "0") String version) {
        int maxConnections = config.upstream().streamMaxConnections();
        Duration connectTimeout = config.upstream().streamConnectTimeout();
        this.vertx = vertx;
        this.base = URI.create(config.upstream().url().endsWith("/") ? config.upstream().url() : config.upstream().url() + "/");
        this.partnerId = config.upstream().partnerId();
        this.version = version;
        this.headersTimeoutMillis = connectTimeout.toMillis() * 2;
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setKeepAlive(true)
                .setTcpKeepAlive(true)
                .setSsl("https".equalsIgnoreCase(base.getScheme()))
                .setTrustAll(false)
                .setVerifyHost(true);
        // one connection per stream, never shared: a stream is one long response
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections)
                .setMaxWaitQueueSize(-1));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Opens the stream of an upstream order. Call it on a Vert.x context (the listener is called there).
     *
     * @param countryCode sent as {@code X-Country-ISO-Code}; may be null
     */
    public Subscription subscribe(String upstreamOrderId, String countryCode, Listener listener) {
        StreamCall call = new StreamCall(listener);
        URI target = base.resolve("v5/orders/" + encode(upstreamOrderId) + "/subscribe");
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(target.toString())
                .putHeader("Accept", "text/event-stream")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Cr-Application", partnerId)
                .putHeader("X-Cr-Version", version);
        if (countryCode != null) {
            options.putHeader("X-Country-ISO-Code", countryCode.trim());
        }
        // an answer whose headers never come (a hung upstream) counts as a failure
        call.timer = vertx.setTimer(headersTimeoutMillis, t -> call.fail(
                new UpstreamException.Unavailable(0, UpstreamException.Kind.TIMED_OUT,
                        "upstream stream timed out before answering", null)));
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                call.fail(UpstreamErrors.fromFailure(ar.cause()));
                return;
            }
            HttpClientRequest request = ar.result();
            call.request = request;
            // without a handler Vert.x logs our own resets (cancel, timeout) as errors
            request.exceptionHandler(e -> call.fail(UpstreamErrors.fromFailure(e)));
            if (call.done) {
                request.reset();
                return;
            }
            request.send().onComplete(sent -> {
                if (sent.failed()) {
                    call.fail(UpstreamErrors.fromFailure(sent.cause()));
                } else {
                    call.response(sent.result());
                }
            });
        });
        return call;
    }

    private static String encode(String id) {
        return java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** One stream: the SSE parsing state and the guard that makes every end final. */
    private final class StreamCall implements Subscription {
        private final Listener listener;
        private HttpClientRequest request;
        private HttpClientResponse response;
        private long timer = -1;
        private boolean done;
        private boolean paused;
        // the event being read (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
        private String eventName;
        private StringBuilder data;

        StreamCall(Listener listener) {
            this.listener = listener;
        }

        void response(HttpClientResponse response) {
            if (done) {
                request.reset();
                return;
            }
            cancelTimer();
            int status = response.statusCode();
            String type = response.getHeader("Content-Type");
            if (status != 200 || type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("text/event-stream")) {
                response.body().onComplete(body -> {
                    if (status == 200) {
                        fail(new UpstreamException.Unavailable(status, UpstreamException.Kind.BAD_ANSWER,
                                "upstream stream answered " + type, null));
                    } else {
                        fail(UpstreamErrors.fromStatus(status, response.getHeader("Retry-After"),
                                body.succeeded() ? body.result().toString() : null));
                    }
                });
                return;
            }
            this.response = response;
            listener.onOpen();
            RecordParser lines = RecordParser.newDelimited("\n", this::line);
            lines.maxRecordSize(1 << 20);
            response.handler(buffer -> {
                if (!done) {
                    try {
                        lines.handle(buffer);
                    } catch (RuntimeException e) {
                        fail(new UpstreamException.Unavailable(200, UpstreamException.Kind.BAD_ANSWER,
                                "upstream stream unreadable: " + e.getMessage(), e));
                    }
                }
            });
            response.exceptionHandler(e -> fail(UpstreamErrors.fromFailure(e)));
            response.endHandler(v -> {
                if (!done) {
                    done = true;
                    listener.onEnd();
                }
            });
            if (paused) {
                response.pause(); // paused before the answer came (or by onOpen)
            }
        }

        private void line(Buffer raw) {
            String line = raw.toString(java.nio.charset.StandardCharsets.UTF_8);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (line.isEmpty()) {
                dispatch();
                return;
            }
            if (line.startsWith(":")) {
                return; // comment (heartbeat)
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> eventName = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value.length());
                    } else {
                        data.append('\n');
                    }
                    data.append(value);
                }
                default -> {
                    // id, retry and unknown fields: nothing to do for us
                }
            }
        }

        private void dispatch() {
            String name = eventName == null || eventName.isEmpty() ? "message" : eventName;
            String payload = data == null ? null : data.toString();
            eventName = null;
            data = null;
            if (payload != null || !"message".equals(name)) {
                listener.onEvent(name, payload == null ? "" : payload);
            }
        }

        void fail(UpstreamException failure) {
            if (end()) {
                listener.onFailure(failure);
            }
        }

        @Override
        public void pause() {
            paused = true;
            if (response != null && !done) {
                response.pause();
            }
        }

        @Override
        public void resume() {
            paused = false;
            if (response != null && !done) {
                response.resume();
            }
        }

        @Override
        public void cancel() {
            end();
        }

        /** Ends the stream once: false when it had already ended. */
        private boolean end() {
            if (done) {
                return false;
            }
            done = true;
            cancelTimer();
            if (request != null) {
                request.reset();
            }
            return true;
        }

        private void cancelTimer() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
