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
import io.orderrelay.support.EventContracts;

/**
 * A real local HTTP webhook receiver on 127.0.0.1 that records every request and answers per a policy. Every
 * request is checked against the published contract ({@link EventContracts#webhook}); a request that breaks it
 * makes {@link #requests()} and {@link #close()} fail the test.
 */
final class Receiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    record Received(String id, String timestamp, String signature, String contentType, byte[] body, long receivedNanos,
            String traceparent) {

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

    /**
     * The answer to a request: status, delay before answering, the body's bytes, and whether the body is dripped
     * one byte every 100 ms without ever ending (a partner that never finishes its answer).
     */
    record Reply(int status, long delayMillis, byte[] body, boolean drip) {

        private static final byte[] OK = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);

        Reply(int status, long delayMillis) {
            this(status, delayMillis, OK, false);
        }

        static Reply ok() {
            return new Reply(200, 0);
        }

        /** Answers at once with these bytes, whatever they are. */
        static Reply bytes(int status, byte[] body) {
            return new Reply(status, 0, body, false);
        }

        /** Answers headers at once, then one byte every 100 ms, forever. */
        static Reply drip(int status) {
            return new Reply(status, 0, new byte[0], true);
        }
    }

    /** When the answer to a request ended; {@code complete} false when the sender went away while it was written. */
    record Answered(String id, long answeredNanos, boolean complete) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private final List<Answered> answers = new CopyOnWriteArrayList<>();
    private final List<AssertionError> contractViolations = new CopyOnWriteArrayList<>();
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
                    h.getFirst("webhook-signature"), h.getFirst("content-type"), body, System.nanoTime(),
                    h.getFirst("traceparent"));
            try {
                EventContracts.webhook(r.id(), r.timestamp(), r.signature(), r.contentType(), body);
            } catch (AssertionError broken) {
                contractViolations.add(broken);
            }
            requests.add(r);
            Reply reply = policy.apply(r);
            if (reply.delayMillis() > 0) {
                try {
                    Thread.sleep(reply.delayMillis()); // a slow or hanging partner
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            boolean complete = false;
            try {
                if (reply.drip()) {
                    drip(exchange, reply.status());
                } else {
                    exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(reply.body());
                    }
                    complete = true;
                }
            } catch (IOException e) {
                // the sender gave up (timeout, or it had read enough): fine
            }
            answers.add(new Answered(r.id(), System.nanoTime(), complete));
        });
        server.start();
    }

    /** Chunked answer that never ends: a byte every 100 ms until the sender resets the connection. */
    private static void drip(com.sun.net.httpserver.HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            for (int i = 0; i < 6_000 && !Thread.currentThread().isInterrupted(); i++) {
                out.write('x');
                out.flush();
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    void policy(Function<Received, Reply> policy) {
        this.policy = policy;
    }

    List<Received> requests() {
        failOnContractViolations();
        return List.copyOf(requests);
    }

    private void failOnContractViolations() {
        if (!contractViolations.isEmpty()) {
            AssertionError first = contractViolations.get(0);
            throw new AssertionError(contractViolations.size() + " webhook request(s) broke the contract; first: "
                    + first.getMessage(), first);
        }
    }

    List<Answered> answers() {
        return List.copyOf(answers);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        failOnContractViolations();
    }
}
