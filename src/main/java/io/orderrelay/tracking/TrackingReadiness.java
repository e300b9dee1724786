package io.orderrelay.tracking;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once this replica's tracker has started and run its first claim (or when tracking is disabled here). */
@Readiness
@ApplicationScoped
public class TrackingReadiness implements HealthCheck {

    private final TrackingService service;

    public TrackingReadiness(TrackingService service) {
        this.service = service;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("tracking");
        if (!service.enabled()) {
            return response.up().withData("enabled", false).build();
        }
        Tracker tracker = service.tracker();
        boolean ready = tracker != null && tracker.ready();
        response.status(ready).withData("enabled", true);
        if (tracker != null) {
            response.withData("orders", tracker.heldCount()).withData("capacity", tracker.settings.capacity())
                    .withData("live_streams", tracker.liveStreamCount())
                    .withData("polling", tracker.pollingCount());
        }
        return response.build();
    }
}
