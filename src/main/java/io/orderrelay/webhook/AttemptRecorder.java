package io.orderrelay.webhook;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.config.RelayConfig;
import io.quarkus.logging.Log;

/**
 * Records the outcome of one attempt: the delivery's new status (retry schedule, give up), the attempt log, the
 * endpoint's health. Called again by the dispatcher when recording fails, with the claim renewed first so that no
 * other replica sends the delivery again meanwhile; from the third try on only the status, duration and a note are
 * stored, so that whatever made the details unstorable cannot hold the delivery's line.
 */
@ApplicationScoped
public class AttemptRecorder {

    /** From this try on, the answer's details are left out. */
    static final int DEGRADE_FROM_TRY = 2;
    static final String NOT_RECORDED = "the details of this answer could not be recorded";

    private final DeliveryStore deliveries;
    private final EndpointStore endpoints;
    private final WebhookSettings settings;
    private final RetrySchedule schedule;
    private final WebhookMetrics metrics;

    public AttemptRecorder(DeliveryStore deliveries, EndpointStore endpoints, WebhookSettings settings,
            RelayConfig config, WebhookMetrics metrics) {
        this.deliveries = deliveries;
        this.endpoints = endpoints;
        this.settings = settings;
        this.schedule = RetrySchedule.parse(config.webhook().retrySchedule());
        this.metrics = metrics;
    }

    /**
     * Records the attempt ({@code tries} earlier tries failed). Returns normally when it is recorded or the claim is
     * no longer this replica's; throws when it could not be recorded, and the caller tries again.
     */
    void record(DeliveryStore.Claimed claim, DeliveryStore.Attempt attempt, String result, int tries) {
        if (tries > 0 && !deliveries.renew(claim, settings.lease())) {
            Log.warnf("Webhook delivery %s: claim lost while its attempt could not be recorded; another replica "
                    + "sends it again", claim.id());
            return;
        }
        DeliveryStore.Attempt stored = tries >= DEGRADE_FROM_TRY
                ? new DeliveryStore.Attempt(attempt.at(), attempt.statusCode(), attempt.durationMs(), NOT_RECORDED, null)
                : attempt;
        if (tries == 0) {
            metrics.attempt(result, Duration.ofMillis(attempt.durationMs()));
        }
        Instant now = Instant.now();
        Integer status = attempt.statusCode();
        if (status != null && status >= 200 && status < 300) {
            if (deliveries.complete(claim, stored, DeliveryStore.SUCCEEDED, null)) {
                metrics.outcome("succeeded");
                endpoints.markHealthy(claim.endpointId());
            }
            return;
        }
        int failures = claim.attemptCount() + 1 - claim.retryBase();
        var delay = schedule.after(failures);
        String next = delay.isPresent() ? DeliveryStore.PENDING : DeliveryStore.FAILED;
        if (!deliveries.complete(claim, stored, next, delay.map(now::plus).orElse(null))) {
            return;
        }
        metrics.outcome(delay.isPresent() ? "retry" : "failed");
        if (status != null && status == 410) {
            if (endpoints.disableGone(claim.endpointId(), now)) {
                Log.warnf("Webhook endpoint %s answered 410 Gone: disabled", claim.endpointId());
            }
        } else if (endpoints.markFailing(claim.endpointId(), now, now.minus(settings.disableAfter()))) {
            Log.warnf("Webhook endpoint %s failed every attempt for %s: disabled", claim.endpointId(),
                    settings.disableAfter());
        }
    }
}
