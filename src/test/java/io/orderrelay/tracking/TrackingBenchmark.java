package io.orderrelay.tracking;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.tracking.bench.BenchOrders;
import io.orderrelay.tracking.bench.Percentiles;
import io.orderrelay.tracking.bench.UpstreamFakeProcess;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * How many open orders one replica follows with live streams, and how fast an upstream change becomes a committed
 * transition at a given event rate. Not part of verify:
 *
 * <pre>
 * .ci/bench-tracking 20000        # raises the open-files limit first, then runs the line below
 * ./mvnw verify -Pbenchmark -Dbenchmark=TrackingBenchmark -DargLine=-Xmx512m \
 *     -Dbench.orders=10000 -Dbench.rate=100 -Dbench.seconds=20 [-Dbench.upstream=external|sandbox]
 * </pre>
 *
 * Each stream is one file descriptor in this process: N streams need N + {@code relay.tracking.open-files-reserve}
 * (2,000) open files, checked before anything starts.
 *
 * {@code bench.upstream=external} (the default) runs the upstream as {@code io.orderrelay.tracking.bench.UpstreamFakeServer} in a process of its
 * own ({@code -Dbench.fake.xmx}, 256m by default), so each stream costs one descriptor in the relay's process and
 * one in the fake's: both stay under the 20,000 open files a process may have here. {@code sandbox} uses the
 * in-JVM sandbox: two descriptors per stream in this process (client and server side), and the RSS and CPU figures
 * include the sandbox. Production-like tracking settings (see {@link Profile}). RSS and CPU of this process include
 * the in-JVM Kafka broker of the test profile. Results go to {@code target/benchmark/tracking.txt}.
 */
@QuarkusTest
@TestProfile(TrackingBenchmark.Profile.class)
class TrackingBenchmark {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> c = new HashMap<>();
            c.put("relay.tracking.lease-duration", "30s");
            c.put("relay.tracking.renew-interval", "10s");
            c.put("relay.tracking.claim-interval", "500ms");
            c.put("relay.tracking.claim-batch", "500");
            // one replica follows every benchmark order; the streams' own pool must not be the limit
            int orders = Integer.getInteger("bench.orders", 10000);
            c.put("relay.tracking.capacity", String.valueOf(orders));
            c.put("relay.upstream.stream-max-connections", String.valueOf(orders + 1000));
            // the observation path as in production (the test profile shrinks the queue for TrackingBurstIT)
            c.put("relay.tracking.observation-queue", "2000");
            c.put("relay.tracking.observation-batch", "50");
            c.put("relay.tracking.poll-interval", "10s");
            c.put("relay.tracking.reconcile-interval", "5m");
            c.put("relay.tracking.backoff-min", "1s");
            c.put("relay.tracking.backoff-max", "30s");
            // measure what production runs: the test profile's contract-checking consumer of the topic (channel
            // consumer-guide, JSON Schema validation of every record; absent in prod) took ~11 % of this JVM in a burst
            c.put("mp.messaging.incoming.consumer-guide.enabled", "false");
            c.put("quarkus.arc.exclude-types", "io.orderrelay.outbox.GuideConsumer");
            c.put("quarkus.log.category.\"io.orderrelay\".level", "WARN");
            c.put("quarkus.log.category.\"io.orderrelay.tracking.OrderSubscriber\".level", System.getProperty("bench.log", "WARN"));
            c.put("quarkus.log.category.\"io.orderrelay.tracking.OrderPoller\".level", System.getProperty("bench.log", "WARN"));
            // -Dbench.relay-log=DEBUG: one line per outbox relay cycle (claim, send, ack, mark times)
            c.put("quarkus.log.category.\"io.orderrelay.outbox.OutboxRelay\".level", System.getProperty("bench.relay-log", "WARN"));
            return c;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return external() ? List.of(new TestResourceEntry(UpstreamFakeProcess.class)) : List.of();
        }
    }

    static boolean external() {
        return !"sandbox".equals(System.getProperty("bench.upstream", "external"));
    }

    @Inject
    SandboxControl sandbox;

    @Inject
    TrackingService tracking;

    @Inject
    TrackingMetrics metrics;

    @Inject
    DataSource dataSource;

    @Inject
    BenchCommitClock commitClock;

    @ConfigProperty(name = "relay.upstream.url")
    String upstreamUrl;

    @ConfigProperty(name = "relay.tracking.open-files-reserve")
    int reserve;

    private static final StringBuilder REPORT = new StringBuilder();

    private static void report(String format, Object... args) {
        String line = String.format(format, args);
        System.out.println("[TrackingBenchmark] " + line);
        REPORT.append(line).append('\n');
    }

    @Test
    void holdsManyLiveStreamsAndMeasuresMessageToCommitLatency() throws Exception {
        int n = Integer.getInteger("bench.orders", 10000);
        int rate = Integer.getInteger("bench.rate", 100);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int cores = Runtime.getRuntime().availableProcessors();
        requireOpenFiles(n);
        UpstreamFakeProcess.Client fake = external() ? UpstreamFakeProcess.Client.of(upstreamUrl) : null;
        report("orders=%d rate=%d/s seconds=%d cores=%d maxHeap=%dMB upstream=%s", n, rate, seconds, cores,
                Runtime.getRuntime().maxMemory() >> 20,
                fake != null ? "external process at " + upstreamUrl : "in-JVM sandbox");

        long rssBefore = rssKb();
        List<String> upstream;
        if (fake != null) {
            upstream = fake.createOrders(n);
        } else {
            upstream = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                upstream.add(sandbox.createOrder("bench" + i + "@example.com").get("order_id").asText());
            }
        }
        BenchOrders.insert(dataSource, "bench", upstream);

        long start = System.nanoTime();
        tracking.tracker().wake();
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> tracking.tracker().liveStreamCount() >= n);
        double ramp = (System.nanoTime() - start) / 1e9;
        report("all %d streams live after %.1f s (claimed in batches of 500 every 500 ms), reconnects while ramping=%.0f",
                n, ramp, metrics.reconnects());
        long subscribers = fake != null ? fake.stats().getLong("subscribers")
                : upstream.stream().mapToLong(sandbox::subscriberCount).sum();
        report("upstream subscribers=%d polling=%d open files here=%d", subscribers, tracking.tracker().pollingCount(),
                openFds());

        System.gc();
        Thread.sleep(3000); // settle before measuring the idle cost
        long cpu0 = cpuNanos();
        JsonObject fake0 = fake != null ? fake.stats() : null;
        long t0 = System.nanoTime();
        Thread.sleep(10_000);
        double idleCpu = 100.0 * (cpuNanos() - cpu0) / (System.nanoTime() - t0);
        JsonObject fake1 = fake != null ? fake.stats() : null;
        long heapUsed = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        report("idle with %d streams: RSS %d MB (was %d MB before the orders), heap used %d MB, CPU %.1f%% of one core",
                n, rssKb() >> 10, rssBefore >> 10, heapUsed, idleCpu);
        if (fake != null) {
            report("  upstream fake process (idle): RSS %d MB, heap used %d MB, CPU %.1f%% of one core, open files %d",
                    fake1.getLong("rss_kb") >> 10, fake1.getLong("heap_used_mb"), fakeCpu(fake0, fake1, t0),
                    fake1.getLong("open_fds"));
        }

        // load: every event sets one order to a state it never had (an unknown state: a new transition each time)
        double before = transitionsRecorded();
        Map<String, Instant> sentAt = new ConcurrentHashMap<>();
        long cpu1 = cpuNanos();
        JsonObject fake2 = fake != null ? fake.stats() : null;
        long t1 = System.nanoTime();
        int sent;
        if (fake != null) {
            sent = fake.drive(rate, seconds).getInteger("events");
        } else {
            sent = driveSandbox(upstream, rate, seconds, t1, sentAt);
        }
        double loadSeconds = (System.nanoTime() - t1) / 1e9;
        await().atMost(Duration.ofMinutes(2)).until(() -> transitionsRecorded() - before >= sent);
        double drain = (System.nanoTime() - t1) / 1e9 - loadSeconds;
        double loadCpu = 100.0 * (cpuNanos() - cpu1) / (System.nanoTime() - t1);
        report("load: %d events in %.1f s (%.0f/s), all committed %.2f s after the last; CPU %.1f%% of one core, RSS %d MB, heap used %d MB",
                sent, loadSeconds, sent / loadSeconds, drain, loadCpu, rssKb() >> 10,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
        if (fake != null) {
            JsonObject fake3 = fake.stats();
            report("  upstream fake process (load): RSS %d MB, CPU %.1f%% of one core", fake3.getLong("rss_kb") >> 10,
                    fakeCpu(fake2, fake3, t1));
            for (String[] change : fake.changes()) {
                long micros = Long.parseLong(change[2]);
                sentAt.put(change[0] + "/" + change[1],
                        Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000));
            }
        }

        HistogramSnapshot snap = metrics.latency().takeSnapshot();
        StringBuilder pct = new StringBuilder();
        for (ValueAtPercentile v : snap.percentileValues()) {
            pct.append(String.format(" p%.0f=%.1fms", v.percentile() * 100, v.value(java.util.concurrent.TimeUnit.MILLISECONDS)));
        }
        report("tracker timer (message parsed -> transaction committed):%s max=%.1fms count=%d", pct,
                snap.max(java.util.concurrent.TimeUnit.MILLISECONDS), snap.count());
        report("upstream state change -> transition row written (occurred_at), %s", Percentiles.of(endToEndMicros(sentAt)));
        report("upstream state change -> transaction committed (after-success observer), %s",
                Percentiles.of(commitMicros(sentAt)));
        report("reconnects=%.0f invalid=%.0f live=%d", metrics.reconnects(), metrics.invalidPayloads(),
                tracking.tracker().liveStreamCount());

        Path out = Path.of("target", "benchmark", "tracking.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, REPORT.toString());

        // leave nothing open for whatever runs next (the external fake is stopped with the application)
        tracking.tracker().stop();
        if (fake == null) {
            upstream.forEach(id -> sandbox.setState(id, "Canceled"));
        }
    }

    /**
     * One descriptor a stream here (two with the in-JVM sandbox: its server side too), plus what the tracker keeps
     * for the rest: below that the tracker follows fewer orders than asked (it caps its capacity) and the ramp would
     * never end. Fail at once, saying how to run it ({@code .ci/bench-tracking} raises the limit first).
     */
    private void requireOpenFiles(int n) {
        long max = TrackingService.maxOpenFiles();
        long needed = (long) n * (external() ? 1 : 2) + reserve;
        if (max > 0 && max < needed) {
            throw new IllegalStateException(String.format(
                    "%d streams need about %d open files in this process (%d a stream + %d kept by the tracker), but it "
                            + "may open %d. Run .ci/bench-tracking (it raises the limit, or says why it cannot), or "
                            + "lower -Dbench.orders", n, needed, external() ? 1 : 2, reserve, max));
        }
        report("open files allowed here: %d (needed about %d)", max, needed);
    }

    /** Drives the in-JVM sandbox from this thread: {@code rate} changes a second, in 10 ms ticks. */
    private int driveSandbox(List<String> upstream, int rate, int seconds, long t1, Map<String, Instant> sentAt)
            throws InterruptedException {
        int n = upstream.size();
        int events = 0;
        long deadline = t1 + seconds * 1_000_000_000L;
        long nextTick = t1;
        while (System.nanoTime() < deadline) {
            long due = (System.nanoTime() - t1) * rate / 1_000_000_000L;
            while (events < due) {
                String id = upstream.get(events % n);
                String state = "BenchState" + (events / n);
                sentAt.put(id + "/" + state, Instant.now());
                sandbox.setState(id, state);
                events++;
            }
            nextTick += 10_000_000L;
            long wait = nextTick - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return events;
    }

    private static double fakeCpu(JsonObject from, JsonObject to, long sinceNanos) {
        return 100.0 * (to.getLong("cpu_nanos") - from.getLong("cpu_nanos")) / (System.nanoTime() - sinceNanos);
    }

    private double transitionsRecorded() {
        return metrics.registry().find("relay.tracking.transitions").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private long[] commitMicros(Map<String, Instant> sentAt) {
        List<Long> out = new ArrayList<>();
        commitClock.committedAt().forEach((key, committed) -> {
            Instant sent = sentAt.get(key);
            if (sent != null) {
                out.add(micros(sent, committed));
            }
        });
        return sorted(out);
    }

    private static long micros(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1000;
    }

    private static long[] sorted(List<Long> values) {
        long[] a = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? new long[] { 0 } : a;
    }

    private long[] endToEndMicros(Map<String, Instant> sentAt) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                select o.upstream_order_id, t.to_state, t.occurred_at from order_transitions t join orders o on o.id = t.order_id
                where o.partner_id = 'bench' and t.to_state like 'BenchState%'""")) {
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    Instant sent = sentAt.get(r.getString(1) + "/" + r.getString(2));
                    if (sent != null) {
                        out.add(micros(sent, r.getTimestamp(3).toInstant()));
                    }
                }
            }
        }
        return sorted(out);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static long openFds() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }
}
