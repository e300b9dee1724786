package io.orderrelay.tracking.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.json.JsonObject;

/**
 * Starts {@link UpstreamFakeServer} in a JVM of its own (same java, same class path, its own heap:
 * {@code -Dbench.fake.xmx}, 256m by default) before the application, and points {@code relay.upstream.url} at it.
 * Its output goes to {@code target/benchmark/upstream-fake.log}. Also the benchmark's client for the control endpoints.
 */
public final class UpstreamFakeProcess implements QuarkusTestResourceLifecycleManager {

    private Process process;

    @Override
    public Map<String, String> start() {
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = Path.of("target", "benchmark", "upstream-fake.log");
            Files.createDirectories(log.getParent());
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx" + System.getProperty("bench.fake.xmx", "256m"),
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    UpstreamFakeServer.class.getName(), String.valueOf(port)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            process = p;
            // wait for LISTENING, then copy the rest of its output to the log file
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("LISTENING")) {
                seen.append(line).append('\n');
            }
            if (line == null) {
                throw new IllegalStateException("upstream fake did not start:\n" + seen);
            }
            Files.writeString(log, seen);
            Thread copier = new Thread(() -> {
                try (var w = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
                    String l;
                    while ((l = out.readLine()) != null) {
                        w.write(l);
                        w.newLine();
                        w.flush();
                    }
                } catch (IOException e) {
                    // the fake went away
                }
            }, "upstream-fake-log");
            copier.setDaemon(true);
            copier.start();
            return Map.of("relay.upstream.url", "http://127.0.0.1:" + port);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void stop() {
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            process = null;
        }
    }

    /**
     * The control endpoints, from the benchmark. (Built from the configured URL, not shared with the resource: the
     * resource and the test may live in different class loaders.)
     */
    public record Client(URI base) {

        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        public static Client of(String url) {
            return new Client(URI.create(url.endsWith("/") ? url : url + "/"));
        }

        /** Creates {@code count} orders upstream; their ids. */
        public List<String> createOrders(int count) {
            String body = call("POST", "control/orders?count=" + count, Duration.ofMinutes(1));
            return body.isEmpty() ? List.of() : List.of(body.split("\n"));
        }

        public JsonObject stats() {
            return new JsonObject(call("GET", "control/stats", Duration.ofSeconds(10)));
        }

        /** Drives {@code rate} changes a second for {@code seconds}; returns once done. */
        public JsonObject drive(int rate, int seconds) {
            return new JsonObject(call("POST", "control/drive?rate=" + rate + "&seconds=" + seconds,
                    Duration.ofSeconds(seconds + 60L)));
        }

        /** Moves every open order to a new state at once; answers {@code {events, state}}. */
        public JsonObject burst() {
            return new JsonObject(call("POST", "control/burst", Duration.ofMinutes(1)));
        }

        /** Every driven change: order id, state, epoch microseconds. */
        public List<String[]> changes() {
            String body = call("GET", "control/changes", Duration.ofMinutes(1));
            List<String[]> out = new ArrayList<>();
            for (String line : body.split("\n")) {
                if (!line.isEmpty()) {
                    out.add(line.split("\t"));
                }
            }
            return out;
        }

        /** Orders created through {@code POST /v5/orders} from now on advance one step every {@code ms} (0: never). */
        public void advanceEvery(long ms) {
            call("POST", "control/advance-every?ms=" + ms, Duration.ofSeconds(10));
        }

        public void terminateAll() {
            call("POST", "control/terminate", Duration.ofMinutes(1));
        }

        private String call(String method, String path, Duration timeout) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(method + " " + path + " answered " + r.statusCode());
                }
                return r.body();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
