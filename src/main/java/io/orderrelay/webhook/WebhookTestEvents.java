package io.orderrelay.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.orderrelay.order.Ids;
import io.orderrelay.tracing.Traceparents;

/** POST .../test: a {@code webhook.test} event queued for one endpoint, whatever its event_types. */
@ApplicationScoped
public class WebhookTestEvents {

    private final WebhookEndpoints endpoints;
    private final DeliveryStore deliveries;
    private final WebhookBodies bodies;
    private final WebhookFanOut fanOut;
    private final Clock clock;

    public WebhookTestEvents(WebhookEndpoints endpoints, DeliveryStore deliveries, WebhookBodies bodies,
            WebhookFanOut fanOut, Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.bodies = bodies;
        this.fanOut = fanOut;
        this.clock = clock;
    }

    /** Queues the event; answers its delivery. Refused for a disabled endpoint. */
    @Transactional
    public DeliveryStore.Row send(String partnerId, UUID id) {
        Endpoint e = endpoints.get(partnerId, id);
        if (!e.enabled()) {
            throw new WebhookRefusal.EndpointDisabled();
        }
        UUID eventId = Ids.newId();
        UUID deliveryId = Ids.newId();
        Instant now = clock.instant();
        deliveries.insert(List.of(new DeliveryStore.NewDelivery(deliveryId, e.id(), eventId, EventTypes.TEST, null,
                null, new String(bodies.test(eventId, e, now), StandardCharsets.UTF_8), false,
                Traceparents.current())), now);
        fanOut.wakeAfterCommit();
        return new DeliveryStore.Row(deliveryId, e.id(), eventId, EventTypes.TEST, null, null, DeliveryStore.PENDING,
                now, List.of());
    }
}
