package io.orderrelay.order;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderrelay.support.Api;
import io.orderrelay.support.LatencyRecorder;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.tracking.bench.UpstreamFakeProcess;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Order placement through order-relay, beside the same upstream calls (validate + create) made directly to the same
 * upstream in the same run: the difference is order-relay's own cost (two small transactions per order, JSON
 * mapping, idempotency bookkeeping).
 *
 * <p>{@code -Dbench.upstream=external} (the default) runs the upstream as
 * {@code io.orderrelay.tracking.bench.UpstreamFakeServer} in a process of its own, as TrackingBenchmark does: the
 * direct calls and the relay's calls then cost the same to the upstream's process and nothing to this one, so the
 * ratio compares order-relay with a client that does no work of its own. {@code sandbox} uses the in-JVM sandbox,
 * whose server side this JVM pays for on the relay's path only (the ratio is then lower than the relay's cost says).
 *
 * <p>{@code -Dbench.tracking=off} (the default) measures placement alone. {@code on} runs it as a replica does,
 * with tracking on and production-like tracking settings: every placed order is then claimed and followed on a
 * live upstream stream, and upstream moves each order to Done, one step every {@code -Dbench.advance-ms} (1000),
 * so that tracking follows each order to its end (three transitions, the stop, the confirming GET, the release);
 * the run waits for the orders to be done ({@code -Dbench.drain-seconds}, 60) and says how many were. The outbox
 * relay and the webhook fan-out run as in production either way.
 *
 * <p>Printed beside the rates: this JVM's CPU time per order in each phase (the direct phase's is the client's
 * and the background's; tracking's work on the warm-up orders overlaps it) and, with the external upstream, the
 * upstream process's.
 *
 * <p>Not part of {@code verify}: {@code ./mvnw verify -Pbenchmark -Dbenchmark=OrderPlacementBenchmark
 * [-Dbench.tracking=on] [-Dbench.concurrency=16 -Dbench.calls=3000 -Dbench.warmup=500] [-Dbench.upstream=sandbox]}.
 */
@QuarkusTest
@TestProfile(OrderPlacementBenchmark.Profile.class)
class OrderPlacementBenchmark {

    static final boolean TRACKING = "on".equals(System.getProperty("bench.tracking", "off"));
    static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);
    static final int CALLS = Integer.getInteger("bench.calls", 3000);
    static final int WARMUP = Integer.getInteger("bench.warmup", 500);
    static final boolean EXTERNAL = !"sandbox".equals(System.getProperty("bench.upstream", "external"));
    static final long ADVANCE_MS = Long.getLong("bench.advance-ms", 1000);
    static final int DRAIN_SECONDS = Integer.getInteger("bench.drain-seconds", 60);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return EXTERNAL ? List.of(new TestResourceEntry(UpstreamFakeProcess.class)) : List.of();
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            if (!TRACKING) {
                return Map.of("relay.tracking.enabled", "false");
            }
            // the defaults of a replica, not the test profile's short periods (which poll and reconcile every order
            // several times a second); room to follow every order the run places
            Map<String, String> c = new HashMap<>();
            c.put("relay.tracking.enabled", "true");
            c.put("relay.tracking.capacity", String.valueOf(Math.max(10000, WARMUP + CALLS + 1000)));
            c.put("relay.tracking.lease-duration", "30s");
            c.put("relay.tracking.renew-interval", "10s");
            c.put("relay.tracking.claim-interval", "500ms");
            c.put("relay.tracking.poll-interval", "10s");
            c.put("relay.tracking.reconcile-interval", "5m");
            c.put("relay.tracking.backoff-min", "1s");
            c.put("relay.tracking.backoff-max", "30s");
            c.put("relay.tracking.submitting-timeout", "5m");
            c.put("relay.tracking.submitting-sweep-interval", "30s");
            c.put("relay.tracking.observation-queue", "2000");
            c.put("relay.tracking.observation-batch", "50");
            c.put("relay.tracking.events-poll-interval", "1s");
            c.put("relay.tracking.events-heartbeat", "15s");
            if (!EXTERNAL) {
                c.put("relay.sandbox.advance-every", ADVANCE_MS + "ms");
            }
            return c;
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "relay.upstream.url")
    String upstreamUrl;

    @Inject
    DataSource db;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void measurePlacementAndItsOverheadOverDirectUpstreamCalls() throws Exception {
        UpstreamFakeProcess.Client fake = EXTERNAL ? UpstreamFakeProcess.Client.of(upstreamUrl) : null;
        if (fake != null && TRACKING) {
            fake.advanceEvery(ADVANCE_MS);
        }
        LatencyRecorder.measure("warm-up relay", WARMUP, CONCURRENCY, i -> placeThroughRelay());
        LatencyRecorder.measure("warm-up direct", WARMUP, CONCURRENCY, i -> placeDirectly());

        Phase directPhase = Phase.start(fake, db);
        LatencyRecorder.Result direct = LatencyRecorder.measure("direct to upstream", CALLS, CONCURRENCY, i -> placeDirectly());
        directPhase.end(CALLS);
        Phase relayPhase = Phase.start(fake, db);
        LatencyRecorder.Result relay = LatencyRecorder.measure("POST /v1/orders", CALLS, CONCURRENCY, i -> placeThroughRelay());
        relayPhase.end(CALLS);

        System.out.println("=== OrderPlacementBenchmark (" + Runtime.getRuntime().availableProcessors() + " cores, tracking "
                + (TRACKING ? "on, upstream advances every " + ADVANCE_MS + " ms" : "off") + ", upstream "
                + (EXTERNAL ? "in its own process" : "in-JVM sandbox") + ") ===");
        System.out.println(direct + "  " + directPhase);
        System.out.println(relay + "  " + relayPhase);
        System.out.printf("overhead per order: p50 %.2f ms, p99 %.2f ms; throughput ratio %.2f%n",
                (relay.p50Micros() - direct.p50Micros()) / 1000.0, (relay.p99Micros() - direct.p99Micros()) / 1000.0,
                relay.perSecond() / direct.perSecond());
        if (TRACKING) {
            long placed = WARMUP + CALLS;
            long start = System.nanoTime();
            long done = 0;
            while (System.nanoTime() - start < DRAIN_SECONDS * 1_000_000_000L) {
                done = QuarkusTransaction.requiringNew().call(() -> Order.count("state", "Done"));
                if (done >= placed) {
                    break;
                }
                Thread.sleep(500);
            }
            Gauge followed = registry.find("relay.tracking.orders").gauge();
            System.out.printf("tracking: %d of %d placed orders Done %.1f s after the last placement; still followed: %.0f%n",
                    done, placed, (System.nanoTime() - start) / 1e9, followed == null ? 0 : followed.value());
        }
    }

    /**
     * This JVM's CPU time (and the external upstream's) over one phase, and the database's transactions (autocommit
     * reads count as one each) and rows written: unlike CPU time on a shared machine, these do not depend on the load.
     */
    private static final class Phase {
        private final UpstreamFakeProcess.Client fake;
        private final DataSource db;
        private final long cpu0;
        private final long fakeCpu0;
        private final long[] db0;
        private double cpuPerOrderMs;
        private double fakeCpuPerOrderMs = Double.NaN;
        private double commitsPerOrder;
        private double rowsWrittenPerOrder;

        private Phase(UpstreamFakeProcess.Client fake, DataSource db) {
            this.fake = fake;
            this.db = db;
            this.db0 = dbCounters(db);
            this.cpu0 = processCpuNanos();
            this.fakeCpu0 = fake == null ? 0 : fake.stats().getLong("cpu_nanos");
        }

        static Phase start(UpstreamFakeProcess.Client fake, DataSource db) {
            return new Phase(fake, db);
        }

        void end(int calls) throws InterruptedException {
            cpuPerOrderMs = (processCpuNanos() - cpu0) / 1e6 / calls;
            if (fake != null) {
                fakeCpuPerOrderMs = (fake.stats().getLong("cpu_nanos") - fakeCpu0) / 1e6 / calls;
            }
            // PostgreSQL publishes a backend's counters when it goes idle, at most once a second
            Thread.sleep(1500);
            long[] db1 = dbCounters(db);
            commitsPerOrder = (double) (db1[0] - db0[0]) / calls;
            rowsWrittenPerOrder = (double) (db1[1] - db0[1]) / calls;
        }

        private static long[] dbCounters(DataSource db) {
            try (var c = db.getConnection(); var s = c.createStatement();
                    var r = s.executeQuery("select pg_stat_clear_snapshot(), xact_commit, tup_inserted + tup_updated + tup_deleted"
                            + " from pg_stat_database where datname = current_database()")) {
                r.next();
                return new long[] { r.getLong(2), r.getLong(3) };
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        @Override
        public String toString() {
            return String.format("this JVM's CPU %.2f ms/order, database %.1f commits and %.1f rows written/order",
                    cpuPerOrderMs, commitsPerOrder, rowsWrittenPerOrder)
                    + (Double.isNaN(fakeCpuPerOrderMs) ? "" : String.format(", upstream's %.2f ms/order", fakeCpuPerOrderMs));
        }
    }

    private void placeThroughRelay() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/orders"))
                .header("Authorization", "Bearer " + Api.ADMIN_KEY)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(UpstreamFixtures.createBody(UpstreamFixtures.reference())))
                .build();
        expect(201, http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** What order-relay asks upstream for one order: a validation, then a create. */
    private void placeDirectly() throws Exception {
        expect(200, http.send(upstream("v5/orders/validations", """
                {"email":"buyer@example.com","payment":{"type":"via","payment_via":"USER_WALLET","coin":"USDC","network":"Solana"},
                 "deliveries":[{"beneficiary_account":"buyer@example.com","brand_name":"Airbnb","country_code":"US",
                 "denomination":"100","quantity":1}],"lang":"en"}"""), HttpResponse.BodyHandlers.ofString()));
        expect(200, http.send(upstream("v5/orders", """
                {"deliveries":[{"kind":"giftcard","quantity":1,"deliverable":{"brand_name":"Airbnb","country_code":"US",
                 "denomination":"100","beneficiary_account":"buyer@example.com"}}],
                 "payment":{"type":"via","coin":"USDC","network":"Solana","payment_via":"USER_WALLET"},
                 "user":{"email":"buyer@example.com","has_accepted_newsletter":false},"lang":"en",
                 "acquisition":{"utm_source":"acme"}}"""), HttpResponse.BodyHandlers.ofString()));
    }

    private HttpRequest upstream(String path, String body) {
        String root = upstreamUrl.endsWith("/") ? upstreamUrl : upstreamUrl + "/";
        return HttpRequest.newBuilder(URI.create(root + path))
                .header("X-Cr-Application", "sandbox-partner")
                .header("X-Cr-Version", "bench")
                .header("X-Country-ISO-Code", "US")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static void expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("expected " + status + " but got " + response.statusCode() + ": " + response.body());
        }
    }
}
