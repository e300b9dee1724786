package io.orderrelay.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/** A real local HTTP webhook receiver on 127.0.0.1 that records every request and answers per a policy. */
final class Receiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    record Received(String id, String timestamp, String signature, String contentType, byte[] body, long receivedNanos) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String type() {
            return json().path("type").asText();
        }

        int sequence() {
            return json().path("data").path("sequence").asInt();
        }

        String orderId() {
            return json().path("data").path("order_id").asText();
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** The answer to a request: status and delay before answering. */
    record Reply(int status, long delayMillis) {
        static Reply ok() {
            return new Reply(200, 0);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Reply> policy = r -> Reply.ok();

    Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            var h = exchange.getRequestHeaders();
            Received r = new Received(h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"),
                    h.getFirst("webhook-signature"), h.getFirst("content-type"), body, System.nanoTime());
            requests.add(r);
            Reply reply = policy.apply(r);
            if (reply.delayMillis() > 0) {
                try {
                    Thread.sleep(reply.delayMillis()); // a slow or hanging partner
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(reply.status(), answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            } catch (IOException e) {
                // the sender gave up (timeout): fine
            }
        });
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void policy(Function<Received, Reply> policy) {
        this.policy = policy;
    }

    List<Received> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
