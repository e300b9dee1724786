package io.orderrelay.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.orderrelay.config.RelayConfig;
import io.orderrelay.security.SecretBox;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Sends due deliveries. One pump thread claims work from the database (SKIP LOCKED plus lease, so replicas share it)
 * and hands each delivery to Vert.x' non-blocking HTTP client; nothing blocks per request, so thousands may be in
 * flight on a few threads. Bounds: {@code max-in-flight} on this replica, {@code max-in-flight-per-endpoint} per
 * endpoint across replicas (in the claim query), and an absolute {@code timeout} per request, so a hanging
 * endpoint holds a few slots for at most the timeout and the others keep flowing.
 */
@ApplicationScoped
public class WebhookDispatcher {

    private final DeliveryStore deliveries;
    private final EndpointStore endpoints;
    private final TargetGuard guard;
    private final SecretBox box;
    private final WebhookSettings settings;
    private final RetrySchedule schedule;
    private final WebhookMetrics metrics;
    private final Vertx vertx;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean pumpQueued = new AtomicBoolean();
    /** Bumped by {@link #crash()}: answers to requests of an older generation are dropped, as after a kill. */
    private final AtomicInteger generation = new AtomicInteger();
    private volatile boolean running;
    private ScheduledExecutorService pump;
    private HttpClient client;

    public WebhookDispatcher(DeliveryStore deliveries, EndpointStore endpoints, TargetGuard guard, SecretBox box,
            WebhookSettings settings, RelayConfig config, WebhookMetrics metrics, Vertx vertx) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.guard = guard;
        this.box = box;
        this.settings = settings;
        this.schedule = RetrySchedule.parse(config.webhook().retrySchedule());
        this.metrics = metrics;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        if (settings.enabled()) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    /** Starts claiming and sending (at startup unless relay.webhook.dispatcher.enabled=false). */
    public synchronized void start() {
        if (running) {
            return;
        }
        client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) settings.timeout().toMillis())
                .setKeepAlive(true)
                .setIdleTimeout(60)
                .setTryUseCompression(false)
                .setVerifyHost(true),
                // The pool is per origin, and several endpoints may share one (same host, other paths): the claim
                // query bounds each endpoint, the pool only the whole replica, so a hanging endpoint cannot take the
                // connections its host-mates need.
                new PoolOptions().setHttp1MaxSize(settings.maxInFlight()).setMaxWaitQueueSize(-1));
        pump = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-dispatcher");
            t.setDaemon(true);
            return t;
        });
        running = true;
        pump.scheduleWithFixedDelay(this::pumpSafely, 0, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
        Log.infof("Webhook dispatcher started (retry schedule %s)", schedule.delays());
    }

    /** Stops claiming; requests in flight finish and are recorded within the timeout. */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        pump.shutdown();
        try {
            long deadline = System.nanoTime() + settings.timeout().plusSeconds(1).toNanos();
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            pump.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }

    /**
     * Simulates a killed replica (tests): stops at once and forgets every request in flight without recording it.
     * Their claims stay until the lease runs out, then a running dispatcher sends them again.
     */
    synchronized void crash() {
        if (!running) {
            return;
        }
        running = false;
        generation.incrementAndGet();
        pump.shutdownNow();
        inFlight.set(0);
        client.close();
    }

    /** Looks for work now (after a commit that added deliveries, or a request that finished). */
    public void wake() {
        ScheduledExecutorService p = pump;
        if (running && p != null && pumpQueued.compareAndSet(false, true)) {
            try {
                p.execute(this::pumpSafely);
            } catch (RuntimeException e) {
                pumpQueued.set(false); // shut down meanwhile
            }
        }
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void pumpSafely() {
        pumpQueued.set(false);
        try {
            while (running) {
                int room = settings.maxInFlight() - inFlight.get();
                if (room <= 0) {
                    return;
                }
                List<DeliveryStore.Claimed> claimed = deliveries.claim(Math.min(room, 100),
                        settings.maxInFlightPerEndpoint(), settings.lease());
                claimed.forEach(this::send);
                if (claimed.size() < Math.min(room, 100)) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("Webhook dispatcher could not claim deliveries: %s", e.getMessage());
        }
    }

    private void send(DeliveryStore.Claimed claim) {
        inFlight.incrementAndGet();
        int gen = generation.get();
        // Secrets, body and DNS are blocking work: off the pump thread, so one slow resolver delays only its own.
        vertx.<Prepared>executeBlocking(() -> prepare(claim), false)
                .compose(prepared -> prepared.refusal != null
                        ? Future.succeededFuture(new Outcome(Instant.now(), null, 0, prepared.refusal, null, "refused"))
                        : post(prepared))
                .recover(e -> Future.succeededFuture(new Outcome(Instant.now(), null, 0,
                        "internal error: " + e.getClass().getSimpleName(), null, "error")))
                .onComplete(done -> {
                    if (gen != generation.get()) {
                        return; // "killed": this answer is lost, the lease brings the delivery back
                    }
                    vertx.executeBlocking(() -> {
                        record(claim, done.result());
                        return null;
                    }, false).onComplete(ignored -> {
                        if (gen == generation.get()) {
                            inFlight.decrementAndGet();
                            wake();
                        }
                    });
                });
    }

    /** What a request needs; {@code refusal} set when the target is not allowed (any more). */
    private record Prepared(URI uri, InetAddress address, byte[] body, String eventId, List<String> secrets,
            String refusal) {
    }

    private record Outcome(Instant at, Integer status, long durationMs, String error, String excerpt, String result) {
    }

    private Prepared prepare(DeliveryStore.Claimed claim) {
        byte[] body = claim.sealed() ? box.openBytes(claim.body()) : claim.body().getBytes(StandardCharsets.UTF_8);
        List<String> secrets = new ArrayList<>(2);
        secrets.add(box.open(claim.sealedSecret()));
        if (claim.sealedPreviousSecret() != null && claim.previousSecretUntil() != null
                && claim.previousSecretUntil().isAfter(Instant.now())) {
            secrets.add(box.open(claim.sealedPreviousSecret()));
        }
        try {
            URI uri = guard.parse(claim.url());
            InetAddress address = guard.resolve(uri.getHost());
            return new Prepared(uri, address, body, claim.eventId().toString(), secrets, null);
        } catch (TargetGuard.Refused e) {
            return new Prepared(null, null, body, claim.eventId().toString(), secrets, "target refused: url " + e.getMessage());
        }
    }

    private Future<Outcome> post(Prepared p) {
        boolean https = "https".equalsIgnoreCase(p.uri.getScheme());
        int port = p.uri.getPort() != -1 ? p.uri.getPort() : https ? 443 : 80;
        String path = (p.uri.getRawPath() == null || p.uri.getRawPath().isEmpty() ? "/" : p.uri.getRawPath())
                + (p.uri.getRawQuery() == null ? "" : "?" + p.uri.getRawQuery());
        long timestamp = Instant.now().getEpochSecond();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                // connect to the address the guard checked; Host header and TLS name stay the URL's host
                .setServer(SocketAddress.inetSocketAddress(port, p.address.getHostAddress()))
                .setHost(p.uri.getHost())
                .setPort(port)
                .setSsl(https)
                .setURI(path)
                .setFollowRedirects(false)
                .setIdleTimeout(settings.timeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("user-agent", "order-relay-webhooks/1")
                .putHeader("webhook-id", p.eventId)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", Signatures.header(p.secrets, p.eventId, timestamp, p.body));
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long start = System.nanoTime();
        Promise<Outcome> outcome = Promise.promise();
        long timer = vertx.setTimer(settings.timeout().toMillis(), id -> outcome.tryComplete(
                new Outcome(at, null, elapsed(start), "timeout after " + settings.timeout().toSeconds() + " s", null, "timeout")));
        client.request(options)
                .compose(request -> {
                    outcome.future().onComplete(done -> {
                        if (done.result() != null && "timeout".equals(done.result().result)) {
                            request.reset(); // frees the connection slot of a hanging endpoint
                        }
                    });
                    return request.send(Buffer.buffer(p.body));
                })
                .compose(this::excerpt)
                .onComplete(done -> {
                    vertx.cancelTimer(timer);
                    if (done.succeeded()) {
                        int status = done.result().status;
                        outcome.tryComplete(new Outcome(at, status, elapsed(start), null, done.result().excerpt,
                                (status / 100) + "xx"));
                    } else {
                        outcome.tryComplete(new Outcome(at, null, elapsed(start), describe(done.cause()), null, "error"));
                    }
                });
        return outcome.future();
    }

    private record Answer(int status, String excerpt) {
    }

    /** Reads at most responseExcerptBytes of the answer, and drains the rest so the connection can be reused. */
    private Future<Answer> excerpt(HttpClientResponse response) {
        Promise<Answer> answer = Promise.promise();
        Buffer kept = Buffer.buffer();
        int max = settings.responseExcerptBytes();
        response.handler(chunk -> {
            if (kept.length() < max) {
                kept.appendBuffer(chunk, 0, Math.min(chunk.length(), max - kept.length()));
            }
        });
        response.exceptionHandler(answer::tryFail);
        response.endHandler(v -> answer.tryComplete(new Answer(response.statusCode(),
                kept.length() == 0 ? null : kept.toString(StandardCharsets.UTF_8))));
        return answer.future();
    }

    private static long elapsed(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message.lines().findFirst().orElse(""));
    }

    private void record(DeliveryStore.Claimed claim, Outcome o) {
        metrics.attempt(o.result, Duration.ofMillis(o.durationMs));
        DeliveryStore.Attempt attempt = new DeliveryStore.Attempt(o.at, o.status, o.durationMs, o.error, o.excerpt);
        Instant now = Instant.now();
        if (o.status != null && o.status >= 200 && o.status < 300) {
            if (deliveries.complete(claim, attempt, DeliveryStore.SUCCEEDED, null)) {
                metrics.outcome("succeeded");
                endpoints.markHealthy(claim.endpointId());
            }
            return;
        }
        int failures = claim.attemptCount() + 1 - claim.retryBase();
        var delay = schedule.after(failures);
        String status = delay.isPresent() ? DeliveryStore.PENDING : DeliveryStore.FAILED;
        if (!deliveries.complete(claim, attempt, status, delay.map(now::plus).orElse(null))) {
            return;
        }
        metrics.outcome(delay.isPresent() ? "retry" : "failed");
        if (o.status != null && o.status == 410) {
            if (endpoints.disableGone(claim.endpointId(), now)) {
                Log.warnf("Webhook endpoint %s answered 410 Gone: disabled", claim.endpointId());
            }
        } else if (endpoints.markFailing(claim.endpointId(), now, now.minus(settings.disableAfter()))) {
            Log.warnf("Webhook endpoint %s failed every attempt for %s: disabled", claim.endpointId(),
                    settings.disableAfter());
        }
    }
}
