package io.orderrelay.tracking;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.orderrelay.config.RelayConfig;
import io.orderrelay.outbox.OutboxConfig;
import io.orderrelay.support.Api;
import io.orderrelay.tracking.bench.BenchOrders;
import io.orderrelay.tracking.bench.BurstCeilings;
import io.orderrelay.tracking.bench.Percentiles;
import io.orderrelay.tracking.bench.TopicTimes;
import io.orderrelay.tracking.bench.UpstreamFakeProcess;
import io.orderrelay.tracking.bench.WebhookTimes;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline under a wave of changes, as users feel it: upstream change -> Kafka record and -> webhook
 * receipt, for N open orders followed on live streams, with the ceilings of each part measured in the same run.
 * Not part of verify:
 *
 * <pre>
 * ./mvnw verify -Pbenchmark -Dbenchmark=BurstBenchmark -DargLine=-Xmx512m \
 *     -Dbench.orders=10000 [-Dbench.mode=burst|paced -Dbench.rate=1000 -Dbench.seconds=10] [-Dbench.analyze=false]
 * </pre>
 *
 * {@code burst} (the default) moves every open order one state at once (the fake's {@code /control/burst}: a payment
 * wave, or every stream catching up after an outage). {@code paced} changes {@code bench.rate} orders a second for
 * {@code bench.seconds}. The upstream fake runs in its own process; the webhook receiver (one endpoint, answers 200 at
 * once) and a Kafka consumer of the topic run in this JVM beside the in-JVM broker of the test profile. Ceilings,
 * measured first in the same run: a plain JDBC loop of the write path's statements, a raw producer, a raw HTTP client.
 * Results go to {@code target/benchmark/burst.txt}.
 */
@QuarkusTest
@TestProfile(BurstBenchmark.Profile.class)
class BurstBenchmark {

    static final String PARTNER = "bench";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> c = new HashMap<>(new TrackingBenchmark.Profile().getConfigOverrides());
            c.put("relay.webhook.dispatcher.lease", "30s");
            return c;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(UpstreamFakeProcess.class));
        }
    }

    @Inject
    TrackingService tracking;
    @Inject
    TrackingMetrics metrics;
    @Inject
    DataSource dataSource;
    @Inject
    Vertx vertx;
    @Inject
    RelayConfig relay;
    @Inject
    OutboxConfig outbox;
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;
    @Inject
    BenchCommitClock commitClock;
    @ConfigProperty(name = "relay.upstream.url")
    String upstreamUrl;

    private final StringBuilder report = new StringBuilder();

    private void report(String format, Object... args) {
        String line = String.format(format, args);
        System.out.println("[BurstBenchmark] " + line);
        report.append(line).append('\n');
    }

    @Test
    void drainsAWaveOfChangesToKafkaAndWebhooksBesideTheCeilings() throws Exception {
        String mode = System.getProperty("bench.mode", "burst");
        int n = Integer.getInteger("bench.orders", "paced".equals(mode) ? 5000 : 10000);
        UpstreamFakeProcess.Client fake = UpstreamFakeProcess.Client.of(upstreamUrl);
        report("mode=%s orders=%d cores=%d maxHeap=%dMB", mode, n, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);

        try (WebhookTimes receiver = WebhookTimes.start(vertx);
                TopicTimes topic = TopicTimes.start(kafkaConfig, relay.kafka().topic())) {
            Api.json("{\"url\": \"" + receiver.url() + "/hook\", \"event_types\": [\"order.*\"]}")
                    .post("/v1/partners/" + PARTNER + "/webhook-endpoints").then().statusCode(201);
            BenchOrders.insert(dataSource, PARTNER, fake.createOrders(n));
            tracking.tracker().wake();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
                    .until(() -> tracking.tracker().liveStreamCount() >= n);
            report("all %d streams live", n);
            analyze();

            BurstCeilings ceilings = new BurstCeilings(dataSource, kafkaConfig, outbox, this::report);
            ceilings.jdbcLoop(n, Integer.getInteger("bench.jdbc-batch", 1));
            ceilings.rawProducer(n, 1500);
            ceilings.rawHttp(receiver.url() + "/ceiling", n, 1500, Integer.getInteger("bench.http-concurrency", 32));

            analyze();
            double reconnects = metrics.reconnects();
            Map<String, Double> leaseCounters = leaseCounters();
            receiver.clear();
            topic.clear();
            int events;
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            if ("paced".equals(mode)) {
                int rate = Integer.getInteger("bench.rate", 1000);
                int seconds = Integer.getInteger("bench.seconds", 10);
                events = fake.drive(rate, seconds).getInteger("events");
                report("paced: %d changes at %d/s for %d s", events, rate, seconds);
            } else {
                JsonObject burst = fake.burst();
                events = burst.getInteger("events");
                report("burst: %d orders moved to %s at once", events, burst.getString("state"));
            }
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> topic.count() >= events);
            double toKafka = (System.nanoTime() - start) / 1e9;
            long cpuToKafka = processCpuNanos() - cpuStart;
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> receiver.count() >= events);
            double toWebhooks = (System.nanoTime() - start) / 1e9;

            Map<String, Instant> changedAt = new HashMap<>();
            for (String[] change : fake.changes()) {
                long micros = Long.parseLong(change[2]);
                changedAt.put(change[0] + "/" + change[1], Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000));
            }
            Map<String, String> changeOfEvent = changeOfEvent();
            Percentiles kafka = Percentiles.between(changeOfEvent, changedAt, topic.times());
            Percentiles hooks = Percentiles.between(changeOfEvent, changedAt, receiver.times());
            report("upstream change -> Kafka record consumed: %d events, all in %.2f s (%.0f events/s); %s", events,
                    toKafka, events / toKafka, kafka);
            report("upstream change -> webhook received (one endpoint): %d deliveries, all in %.2f s (%.0f deliveries/s); %s",
                    events, toWebhooks, events / toWebhooks, hooks);
            report("  this JVM's CPU until the last Kafka record: %.2f s, %.0f µs per event (relay, broker, receiver, consumer "
                    + "and streams together; PostgreSQL not included)", cpuToKafka / 1e9, cpuToKafka / 1e3 / events);
            decompose(changeOfEvent, changedAt, topic.times());
            report("streams reopened (reconnects) during the wave: %.0f; live streams now %d of %d", metrics.reconnects()
                    - reconnects, tracking.tracker().liveStreamCount(), n);
            leaseCounters().forEach((name, value) -> report("%s: %.0f during the wave", name,
                    value - leaseCounters.getOrDefault(name, 0.0)));
        } finally {
            Path out = Path.of("target", "benchmark", "burst.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report.toString());
            tracking.tracker().stop();
        }
    }

    /** Every counter of the tracking package that speaks of leases (lost, renewed, taken over...). */
    private Map<String, Double> leaseCounters() {
        Map<String, Double> out = new ConcurrentHashMap<>();
        for (Meter meter : metrics.registry().getMeters()) {
            String name = meter.getId().getName();
            if (meter instanceof Counter counter && name.contains("lease")) {
                out.merge(name, counter.count(), Double::sum);
            }
        }
        return out;
    }

    /**
     * Gives the planner current statistics, as autovacuum does in production: the PostgreSQL of these machines
     * runs with autovacuum off, and the test profile cleans the tables at start, so without this the relay's
     * prepared statements keep plans made for nearly empty tables (the outbox claim then took seconds).
     */
    private void analyze() throws Exception {
        // -Dbench.analyze=false leaves the tables never analyzed: the relay's claims must not need statistics
        if (!Boolean.parseBoolean(System.getProperty("bench.analyze", "true"))) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "analyze orders, order_transitions, outbox, webhook_deliveries, tracking_leases")) {
            s.execute();
        }
    }

    /**
     * Where the time from upstream change to Kafka record goes, per event of the wave: change -> applied (the
     * transition's occurred_at: stream read, queue, wait for a worker and for the group's lock), applied -> committed
     * ({@link BenchCommitClock}: the rest of the group's transaction), committed -> marked sent (the outbox row's
     * sent_at: relay wake, claim, send, broker ack), marked sent -> consumed (the relay's mark and commit overlap the
     * consumer's fetch). Beside it, the tracker's own message -> commit histogram.
     */
    private void decompose(Map<String, String> changeOfEvent, Map<String, Instant> changedAt,
            Map<String, Instant> consumedAt) throws Exception {
        Map<String, Instant> committed = commitClock.committedAt();
        List<long[]> rows = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                select t.event_id, t.occurred_at, ob.sent_at from order_transitions t
                join outbox ob on ob.event_id = t.event_id
                join orders o on o.id = t.order_id
                where o.partner_id = ? and (t.to_state like 'BurstState%' or t.to_state like 'BenchState%')""")) {
            s.setString(1, PARTNER);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String change = changeOfEvent.get(r.getString(1));
                    Instant changed = change == null ? null : changedAt.get(change);
                    Instant commit = change == null ? null : committed.get(change);
                    Instant consumed = consumedAt.get(r.getString(1));
                    java.sql.Timestamp sent = r.getTimestamp(3);
                    if (changed == null || commit == null || consumed == null || sent == null) {
                        continue;
                    }
                    Instant applied = r.getTimestamp(2).toInstant();
                    rows.add(new long[] {micros(changed, applied), micros(applied, commit),
                            micros(commit, sent.toInstant()), micros(sent.toInstant(), consumed)});
                }
            }
        }
        String[] names = {"change -> applied", "applied -> committed", "committed -> marked sent", "marked sent -> consumed"};
        for (int i = 0; i < names.length; i++) {
            int k = i;
            report("  %s: %s", names[i], Percentiles.of(rows.stream().mapToLong(a -> a[k]).sorted().toArray()));
        }
        var latency = metrics.latency().takeSnapshot();
        var groups = metrics.batchSizes().takeSnapshot();
        StringBuilder p = new StringBuilder();
        for (var v : latency.percentileValues()) {
            p.append(String.format(" p%.0f %.1f ms", v.percentile() * 100, v.value(java.util.concurrent.TimeUnit.MILLISECONDS)));
        }
        report("  tracker message -> commit (whole run):%s; groups: mean %.1f observations, max %.0f", p,
                groups.mean(), groups.max());
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long micros(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos() / 1000);
    }

    /** event id -> "upstream order id/state" of every transition the wave made. */
    private Map<String, String> changeOfEvent() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                select t.event_id, o.upstream_order_id, t.to_state from order_transitions t join orders o on o.id = t.order_id
                where o.partner_id = ? and (t.to_state like 'BurstState%' or t.to_state like 'BenchState%')""")) {
            s.setString(1, PARTNER);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), r.getString(2) + "/" + r.getString(3));
                }
            }
        }
        return out;
    }
}
