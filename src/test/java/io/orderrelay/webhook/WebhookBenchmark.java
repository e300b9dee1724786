package io.orderrelay.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import io.orderrelay.order.Observation;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionSource;
import io.orderrelay.order.TransitionWriter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery throughput and latency (transition commit to receipt) to a local receiver, beside wrk against the
 * same receiver as the ceiling, and the same load again with a hanging endpoint beside the healthy ones.
 *
 * <p>Not part of {@code verify}: {@code ./mvnw verify -Pbenchmark -Dbenchmark=WebhookBenchmark}.
 */
@QuarkusTest
class WebhookBenchmark {

    static final int ORDERS = Integer.getInteger("bench.orders", 100);
    static final int STATES = Integer.getInteger("bench.states", 10);
    static final int WRITERS = Integer.getInteger("bench.writers", 4);
    static final int ENDPOINTS = Integer.getInteger("bench.endpoints", 2);

    @Inject
    TransitionWriter writer;

    @Inject
    Vertx vertx;

    @Inject
    WebhookDispatcher dispatcher;

    /** webhook-id + endpoint path -> receipt time (System.nanoTime). */
    private final Map<String, Long> received = new ConcurrentHashMap<>();
    private final AtomicInteger hangingHits = new AtomicInteger();

    @Test
    void measureDeliveryThroughputLatencyAndIsolationFromAHangingEndpoint() throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            if (req.path().startsWith("/hang")) {
                hangingHits.incrementAndGet();
                return; // never answers: the dispatcher's timeout must end it
            }
            String id = req.getHeader("webhook-id");
            req.body().onComplete(b -> {
                if (id != null) {
                    received.putIfAbsent(id + req.path(), System.nanoTime());
                }
                req.response().setStatusCode(200).end();
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        String base = "http://127.0.0.1:" + server.actualPort();
        StringBuilder report = new StringBuilder("=== WebhookBenchmark (" + Runtime.getRuntime().availableProcessors()
                + " cores; " + ORDERS + " orders x " + STATES + " transitions, " + ENDPOINTS + " endpoints) ===\n");

        report.append(ceiling(base)).append('\n');
        run("warm-up", base, false, 20, false); // JIT, pools
        received.clear();
        report.append(run("healthy endpoints only", base, false, ORDERS, false)).append('\n');
        received.clear();
        report.append(run("backlog drain (dispatcher off while writing)", base, false, ORDERS, true)).append('\n');
        received.clear();
        report.append(run("plus one hanging endpoint", base, true, ORDERS, false)).append('\n');
        report.append("hanging endpoint: ").append(hangingHits.get())
                .append(" requests received, none answered (each ends at the 10 s timeout)\n");
        System.out.println(report);
        Files.writeString(Path.of("target", "webhook-benchmark.txt"), report.toString());
        server.close();
    }

    /** One load: orders of a fresh partner with ENDPOINTS healthy endpoints (and optionally a hanging one). */
    private String run(String name, String base, boolean withHanging, int orders, boolean drain) throws Exception {
        String partner = WebhookFixtures.partner();
        for (int i = 0; i < ENDPOINTS; i++) {
            WebhookFixtures.endpoint(partner, base + "/ok" + i, "\"event_types\": [\"order.*\"]");
        }
        if (withHanging) {
            WebhookFixtures.endpoint(partner, base + "/hang", "");
        }
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            ids.add(WebhookFixtures.placeOrder(partner));
        }
        Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> received.size() >= ids.size() * 2 * ENDPOINTS);
        received.clear();

        // the measured part: transitions committed by WRITERS threads, each a transaction of its own
        Map<String, Long> committed = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        if (drain) {
            dispatcher.stop();
        }
        long start = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (UUID id : ids) {
            work.add(pool.submit(() -> {
                for (int s = 1; s <= STATES; s++) {
                    String state = "Bench" + s;
                    long before = System.nanoTime();
                    TransitionRecorded event = QuarkusTransaction.requiringNew().call(() -> writer.apply(id,
                            Observation.local(state, TransitionSource.OPERATOR)).orElseThrow());
                    committed.put(event.eventId().toString(), before);
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        double writeSeconds = (System.nanoTime() - start) / 1e9;
        if (drain) {
            start = System.nanoTime(); // throughput of the dispatcher alone, from a full backlog
            dispatcher.start();
        }
        int expected = ids.size() * STATES * ENDPOINTS;
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> received.size() >= expected);
        long last = Collections.max(received.values());
        double seconds = (last - start) / 1e9;
        pool.shutdown();
        pool.awaitTermination(5, TimeUnit.SECONDS);

        List<Long> latencies = new ArrayList<>();
        received.forEach((key, at) -> latencies.add(at - committed.get(key.substring(0, 36))));
        Collections.sort(latencies);
        return String.format("%-44s %6d deliveries in %5.2f s: %7.1f deliveries/s (transitions committed at %6.1f/s); "
                + "commit->receipt p50 %6.1f ms, p99 %6.1f ms, max %6.1f ms", name, expected, seconds, expected / seconds,
                ids.size() * STATES / writeSeconds, pct(latencies, 50), pct(latencies, 99),
                latencies.get(latencies.size() - 1) / 1e6);
    }

    /** wrk against the same receiver, same body size: what this machine's HTTP path allows at most. */
    private String ceiling(String base) throws IOException, InterruptedException {
        Path script = Files.createTempFile("wrk-post", ".lua");
        String body = "{\"specversion\":\"1.0\",\"data\":\"" + "x".repeat(1200) + "\"}";
        Files.writeString(script, "wrk.method = \"POST\"\nwrk.body = '" + body + "'\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                + "wrk.headers[\"webhook-id\"] = \"wrk\"\n", StandardCharsets.UTF_8);
        try {
            Process wrk = new ProcessBuilder("wrk", "-t2", "-c32", "-d5s", "--latency", "-s", script.toString(),
                    base + "/ceiling").redirectErrorStream(true).start();
            String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            wrk.waitFor(30, TimeUnit.SECONDS);
            StringBuilder summary = new StringBuilder("ceiling (wrk -t2 -c32 -d5s, same receiver):");
            out.lines().filter(l -> l.contains("Requests/sec") || l.trim().startsWith("50%") || l.trim().startsWith("99%"))
                    .forEach(l -> summary.append(' ').append(l.trim().replaceAll("\\s+", " ")).append(';'));
            return summary.toString();
        } catch (IOException e) {
            return "ceiling: wrk not installed (apt-get install -y wrk)";
        } finally {
            Files.deleteIfExists(script);
            received.clear();
        }
    }

    private static double pct(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }
}
