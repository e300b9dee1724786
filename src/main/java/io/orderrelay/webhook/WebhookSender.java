package io.orderrelay.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.orderrelay.security.SecretBox;
import io.orderrelay.tracing.Traceparents;
import io.quarkus.logging.Log;
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
import io.vertx.core.tracing.TracingPolicy;

/**
 * One attempt at one claimed delivery: opens the body and secrets, checks the target again, signs, POSTs with
 * Vert.x' non-blocking client and reads what the receiver answers, within a deadline. Whatever the receiver sends
 * (NUL or invalid UTF-8 bytes, a huge body, an answer that never ends, no HTTP at all) ends as an {@link Outcome}
 * that can be stored.
 *
 * <p>The deadline ({@link #budget()}: the configured timeout, cut to two thirds of the claim lease) counts from the
 * claim, so a request always ends while its claim holds.
 */
@ApplicationScoped
public class WebhookSender {

    /** A larger answer is not read to its end: the connection is closed instead of reused. */
    static final int MAX_DRAIN_BYTES = 64 * 1024;

    private final TargetGuard guard;
    private final SecretBox box;
    private final WebhookSettings settings;
    private final Vertx vertx;
    private final Duration budget;
    private final Tracer tracer;
    private volatile HttpClient client;

    public WebhookSender(TargetGuard guard, SecretBox box, WebhookSettings settings, Vertx vertx, Tracer tracer) {
        this.tracer = tracer;
        this.guard = guard;
        this.box = box;
        this.settings = settings;
        this.vertx = vertx;
        Duration cut = settings.lease().multipliedBy(2).dividedBy(3);
        this.budget = settings.timeout().compareTo(cut) <= 0 ? settings.timeout() : cut;
        if (budget.compareTo(settings.timeout()) < 0) {
            Log.warnf("Webhook request timeout %s cut to %s: a request must end well within the claim lease (%s)",
                    settings.timeout(), budget, settings.lease());
        }
    }

    /** The result of an attempt; {@code result} is the metric's class (2xx ... timeout, error, refused). */
    record Outcome(Instant at, Integer status, long durationMs, String error, String excerpt, String result) {

        DeliveryStore.Attempt attempt() {
            return new DeliveryStore.Attempt(at, status, durationMs, error, excerpt);
        }
    }

    /** The longest a request may take. */
    Duration budget() {
        return budget;
    }

    void open() {
        client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) budget.toMillis())
                .setKeepAlive(true)
                .setIdleTimeout(60)
                .setTryUseCompression(false)
                .setVerifyHost(true)
                // the attempt span (send) is the trace; Vert.x' own HTTP client tracing would add another
                .setTracingPolicy(TracingPolicy.IGNORE),
                // The pool is per origin, and several endpoints may share one (same host, other paths): the claim
                // query bounds each endpoint, the pool only the whole replica, so a hanging endpoint cannot take the
                // connections its host-mates need.
                new PoolOptions().setHttp1MaxSize(settings.maxInFlight()).setMaxWaitQueueSize(-1));
    }

    void close() {
        client.close();
    }

    /**
     * Sends the delivery; the outcome never fails, every failure is an outcome. The attempt is a span of the trace
     * that caused the delivery (its stored traceparent), and its context is the request's traceparent header.
     */
    Future<Outcome> send(DeliveryStore.Claimed claim, long deadlineNanos) {
        Span span = tracer.spanBuilder("webhook attempt").setSpanKind(SpanKind.CLIENT)
                .setParent(Traceparents.context(claim.traceparent()))
                .setAttribute("order.id", String.valueOf(claim.orderId()))
                .setAttribute("webhook.endpoint_id", claim.endpointId().toString())
                .setAttribute("webhook.event_id", claim.eventId().toString())
                .setAttribute("webhook.attempt", claim.attemptCount() + 1L)
                .startSpan();
        String own = Traceparents.of(span.getSpanContext());
        String traceparent = own != null ? own : claim.traceparent();
        // Secrets, body and DNS are blocking work: off the pump thread, so one slow resolver delays only its own.
        return vertx.<Prepared>executeBlocking(() -> prepare(claim, traceparent), false)
                .compose(prepared -> prepared.refusal != null
                        ? Future.succeededFuture(new Outcome(Instant.now(), null, 0, prepared.refusal, null, "refused"))
                        : post(prepared, deadlineNanos))
                .recover(e -> Future.succeededFuture(new Outcome(Instant.now(), null, 0,
                        "internal error: " + e.getClass().getSimpleName(), null, "error")))
                .onSuccess(outcome -> {
                    if (outcome.status() != null) {
                        span.setAttribute("http.response.status_code", outcome.status().longValue());
                    }
                    span.setAttribute("webhook.result", outcome.result());
                    if (outcome.status() == null || outcome.status() / 100 != 2) {
                        span.setStatus(StatusCode.ERROR, outcome.error() != null ? outcome.error() : outcome.result());
                    }
                    span.end();
                });
    }

    /** What a request needs; {@code refusal} set when the target is not allowed (any more). */
    private record Prepared(URI uri, InetAddress address, byte[] body, String eventId, List<String> secrets,
            String traceparent, String refusal) {
    }

    private Prepared prepare(DeliveryStore.Claimed claim, String traceparent) {
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
            return new Prepared(uri, address, body, claim.eventId().toString(), secrets, traceparent, null);
        } catch (TargetGuard.Refused e) {
            return new Prepared(null, null, body, claim.eventId().toString(), secrets, traceparent,
                    "target refused: url " + e.getMessage());
        }
    }

    private Future<Outcome> post(Prepared p, long deadline) {
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
                .setIdleTimeout(budget.toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("user-agent", "order-relay-webhooks/1")
                .putHeader("webhook-id", p.eventId)
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", Signatures.header(p.secrets, p.eventId, timestamp, p.body));
        if (p.traceparent != null) {
            options.putHeader(Traceparents.HEADER, p.traceparent);
        }
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long start = System.nanoTime();
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - start);
        if (left <= 0) {
            // preparing took the whole budget: sending now could outlive the claim
            return Future.succeededFuture(new Outcome(at, null, 0, "timeout: not sent, the claim's time ran out while "
                    + "preparing the request", null, "timeout"));
        }
        Promise<Outcome> outcome = Promise.promise();
        long timer = vertx.setTimer(left, id -> outcome.tryComplete(
                new Outcome(at, null, elapsed(start), "timeout after " + left + " ms", null, "timeout")));
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

    /**
     * Keeps at most responseExcerptBytes of the answer, as storable text. Drains up to {@link #MAX_DRAIN_BYTES} so the
     * connection can be reused; a larger answer is cut there (its status is all that counts) and its connection
     * closed. An answer that never ends is cut by the request's deadline.
     */
    private Future<Answer> excerpt(HttpClientResponse response) {
        Promise<Answer> answer = Promise.promise();
        int max = settings.responseExcerptBytes();
        byte[] kept = new byte[max];
        int[] counts = new int[2]; // bytes kept, bytes read
        response.handler(chunk -> {
            int n = Math.min(chunk.length(), max - counts[0]);
            if (n > 0) {
                chunk.getBytes(0, n, kept, counts[0]);
                counts[0] += n;
            }
            counts[1] = (int) Math.min(Integer.MAX_VALUE, (long) counts[1] + chunk.length());
            if (counts[1] > MAX_DRAIN_BYTES && answer.tryComplete(new Answer(response.statusCode(),
                    ResponseText.excerpt(kept, counts[0], max)))) {
                response.request().reset();
            }
        });
        response.exceptionHandler(answer::tryFail);
        response.endHandler(v -> answer.tryComplete(new Answer(response.statusCode(),
                ResponseText.excerpt(kept, counts[0], max))));
        return answer.future();
    }

    private static long elapsed(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** The error of an attempt: its message may quote the receiver's bytes, so it is made storable too. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        return ResponseText.clean(e.getClass().getSimpleName()
                + (message == null ? "" : ": " + message.lines().findFirst().orElse("")), 500);
    }
}
