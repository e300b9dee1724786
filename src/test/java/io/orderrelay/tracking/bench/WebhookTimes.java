package io.orderrelay.tracking.bench;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

/**
 * A webhook receiver that answers 200 at once and remembers when each event ({@code webhook-id}) first arrived on
 * {@code /hook}; any other path is answered the same way and not recorded (the raw-client ceiling).
 */
public final class WebhookTimes implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Instant> times;

    private WebhookTimes(HttpServer server, Map<String, Instant> times) {
        this.server = server;
        this.times = times;
    }

    public static WebhookTimes start(Vertx vertx) throws Exception {
        Map<String, Instant> times = new ConcurrentHashMap<>();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
            String id = req.getHeader("webhook-id");
            if (id != null && req.path().equals("/hook")) {
                times.putIfAbsent(id, Instant.now());
            }
            req.response().setStatusCode(200).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        return new WebhookTimes(server, times);
    }

    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public int count() {
        return times.size();
    }

    public Map<String, Instant> times() {
        return times;
    }

    public void clear() {
        times.clear();
    }

    @Override
    public void close() {
        server.close();
    }
}
