package io.orderrelay.order;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderrelay.support.Api;
import io.orderrelay.support.LatencyRecorder;
import io.orderrelay.support.UpstreamFixtures;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * Order placement through order-relay against the sandbox, beside the same upstream calls (validate + create)
 * made directly to the sandbox in the same run: the difference is order-relay's own cost (two small
 * transactions per order, JSON mapping, idempotency bookkeeping).
 *
 * <p>{@code -Dbench.tracking=off} (the default) measures placement alone. {@code on} runs it as a replica does,
 * with tracking on and production-like tracking settings: every placed order is then claimed and followed on a
 * live stream of the in-JVM sandbox (two ends of an SSE stream in this process, which TrackingBenchmark measures on
 * its own). The outbox relay and the webhook fan-out run as in production either way.
 *
 * <p>Not part of {@code verify}: {@code ./mvnw verify -Pbenchmark -Dbenchmark=OrderPlacementBenchmark
 * [-Dbench.tracking=on] [-Dbench.concurrency=16 -Dbench.calls=3000 -Dbench.warmup=500]}.
 */
@QuarkusTest
@TestProfile(OrderPlacementBenchmark.Profile.class)
class OrderPlacementBenchmark {

    static final boolean TRACKING = "on".equals(System.getProperty("bench.tracking", "off"));
    static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 16);
    static final int CALLS = Integer.getInteger("bench.calls", 3000);
    static final int WARMUP = Integer.getInteger("bench.warmup", 500);

    public static class Profile implements QuarkusTestProfile {
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
            return c;
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    MeterRegistry registry;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void measurePlacementAndItsOverheadOverDirectUpstreamCalls() throws Exception {
        LatencyRecorder.measure("warm-up relay", WARMUP, CONCURRENCY, i -> placeThroughRelay());
        LatencyRecorder.measure("warm-up direct", WARMUP, CONCURRENCY, i -> placeDirectly());

        LatencyRecorder.Result direct = LatencyRecorder.measure("direct to sandbox", CALLS, CONCURRENCY, i -> placeDirectly());
        LatencyRecorder.Result relay = LatencyRecorder.measure("POST /v1/orders", CALLS, CONCURRENCY, i -> placeThroughRelay());

        System.out.println("=== OrderPlacementBenchmark (" + Runtime.getRuntime().availableProcessors() + " cores, tracking "
                + (TRACKING ? "on" : "off") + ") ===");
        System.out.println(direct);
        System.out.println(relay);
        System.out.printf("overhead per order: p50 %.2f ms, p99 %.2f ms; throughput ratio %.2f%n",
                (relay.p50Micros() - direct.p50Micros()) / 1000.0, (relay.p99Micros() - direct.p99Micros()) / 1000.0,
                relay.perSecond() / direct.perSecond());
        if (TRACKING) {
            Gauge followed = registry.find("relay.tracking.orders").gauge();
            System.out.printf("orders followed at the end: %.0f of %d placed%n", followed == null ? 0 : followed.value(),
                    WARMUP + CALLS);
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
        expect(200, http.send(upstream("/sandbox/v5/orders/validations", """
                {"email":"buyer@example.com","payment":{"type":"via","payment_via":"USER_WALLET","coin":"USDC","network":"Solana"},
                 "deliveries":[{"beneficiary_account":"buyer@example.com","brand_name":"Airbnb","country_code":"US",
                 "denomination":"100","quantity":1}],"lang":"en"}"""), HttpResponse.BodyHandlers.ofString()));
        expect(200, http.send(upstream("/sandbox/v5/orders", """
                {"deliveries":[{"kind":"giftcard","quantity":1,"deliverable":{"brand_name":"Airbnb","country_code":"US",
                 "denomination":"100","beneficiary_account":"buyer@example.com"}}],
                 "payment":{"type":"via","coin":"USDC","network":"Solana","payment_via":"USER_WALLET"},
                 "user":{"email":"buyer@example.com","has_accepted_newsletter":false},"lang":"en",
                 "acquisition":{"utm_source":"acme"}}"""), HttpResponse.BodyHandlers.ofString()));
    }

    private HttpRequest upstream(String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path))
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
