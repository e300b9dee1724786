package io.orderrelay.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.config.RelayConfig;
import io.orderrelay.tracing.OrderMdc;
import io.quarkus.logging.Log;

/**
 * Records the outcome of attempts: the deliveries' new status (retry schedule, give up), the attempt log, the
 * endpoints' health. The dispatcher hands over every attempt that finished meanwhile as one batch (one
 * transaction, {@link AttemptLog}). When a batch cannot be recorded, each of its attempts is recorded again on its
 * own, with its claim renewed first so that no other replica sends it meanwhile; from the third try on only the
 * status, duration and a note are stored, so that whatever made the details unstorable cannot hold the line.
 */
@ApplicationScoped
public class AttemptRecorder {

    /** From this try on, the answer's details are left out. */
    static final int DEGRADE_FROM_TRY = 2;
    static final String NOT_RECORDED = "the details of this answer could not be recorded";

    /** An attempt that has ended, with its metric class (2xx ... timeout, error, refused). */
    record Finished(DeliveryStore.Claimed claim, DeliveryStore.Attempt attempt, String result) {
    }

    private final AttemptLog log;
    private final DeliveryQueue queue;
    private final EndpointStore endpoints;
    private final WebhookSettings settings;
    private final RetrySchedule schedule;
    private final WebhookMetrics metrics;
    private final Clock clock;

    public AttemptRecorder(AttemptLog log, DeliveryQueue queue, EndpointStore endpoints, WebhookSettings settings,
            RelayConfig config, WebhookMetrics metrics, Clock clock) {
        this.log = log;
        this.queue = queue;
        this.endpoints = endpoints;
        this.settings = settings;
        this.schedule = RetrySchedule.parse(config.webhook().retrySchedule());
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * First try: records the batch in one transaction. Returns normally when it is recorded (attempts whose claim is
     * no longer this replica's are left out); throws when nothing could be recorded.
     */
    void recordAll(List<Finished> batch) {
        batch.forEach(f -> metrics.attempt(f.result(), Duration.ofMillis(f.attempt().durationMs())));
        Instant now = clock.instant();
        store(batch.stream().map(f -> completion(f.claim(), f.attempt(), now)).toList(), now);
    }

    /**
     * A later try ({@code tries} earlier tries failed) for one attempt alone. Returns normally when it is recorded or
     * the claim is no longer this replica's; throws when it could not be recorded, and the caller tries again.
     */
    void recordAgain(Finished f, int tries) {
        if (!queue.renew(f.claim(), settings.lease())) {
            try (OrderMdc mdc = OrderMdc.of(f.claim().orderId())) {
                Log.warnf("Webhook delivery %s: claim lost while its attempt could not be recorded; another "
                        + "replica sends it again", f.claim().id());
            }
            return;
        }
        DeliveryStore.Attempt a = f.attempt();
        DeliveryStore.Attempt stored = tries >= DEGRADE_FROM_TRY
                ? new DeliveryStore.Attempt(a.at(), a.statusCode(), a.durationMs(), NOT_RECORDED, null)
                : a;
        Instant now = clock.instant();
        store(List.of(completion(f.claim(), stored, now)), now);
    }

    private AttemptLog.Completion completion(DeliveryStore.Claimed claim, DeliveryStore.Attempt attempt, Instant now) {
        if (succeeded(attempt)) {
            return new AttemptLog.Completion(claim, attempt, DeliveryStore.SUCCEEDED, null);
        }
        var delay = schedule.after(claim.attemptCount() + 1 - claim.retryBase());
        return new AttemptLog.Completion(claim, attempt,
                delay.isPresent() ? DeliveryStore.PENDING : DeliveryStore.FAILED, delay.map(now::plus).orElse(null));
    }

    private static boolean succeeded(DeliveryStore.Attempt attempt) {
        Integer status = attempt.statusCode();
        return status != null && status >= 200 && status < 300;
    }

    private void store(List<AttemptLog.Completion> batch, Instant now) {
        Set<UUID> recorded = log.complete(batch);
        // per endpoint, in the order the attempts ended: a 410 disables it; otherwise its last attempt says whether
        // it is healthy (already stored with the batch, AttemptLog) or failing (one statement per endpoint and
        // batch, not per attempt)
        Map<UUID, List<AttemptLog.Completion>> byEndpoint = new LinkedHashMap<>();
        for (AttemptLog.Completion b : batch) {
            if (recorded.contains(b.claim().id())) {
                metrics.outcome(b.claim().endpointId(), b.ended() ? b.status() : "retry");
                byEndpoint.computeIfAbsent(b.claim().endpointId(), k -> new ArrayList<>()).add(b);
            }
        }
        byEndpoint.forEach((endpoint, attempts) -> {
            if (attempts.stream().anyMatch(b -> Integer.valueOf(410).equals(b.attempt().statusCode()))) {
                if (endpoints.disableGone(endpoint, now)) {
                    Log.warnf("Webhook endpoint %s answered 410 Gone: disabled", endpoint);
                }
                return;
            }
            if (!succeeded(attempts.get(attempts.size() - 1).attempt())
                    && endpoints.markFailing(endpoint, now, now.minus(settings.disableAfter()))) {
                Log.warnf("Webhook endpoint %s failed every attempt for %s: disabled", endpoint,
                        settings.disableAfter());
            }
        });
    }
}
