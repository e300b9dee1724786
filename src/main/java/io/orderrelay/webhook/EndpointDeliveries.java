package io.orderrelay.webhook;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** One endpoint's delivery log, newest first, and manual retries of its deliveries. */
@ApplicationScoped
public class EndpointDeliveries {

    /** The statuses a caller may filter the log by. */
    static final List<String> STATUSES = List.of(DeliveryStore.PENDING, DeliveryStore.SUCCEEDED, DeliveryStore.FAILED);

    private final WebhookEndpoints endpoints;
    private final DeliveryStore deliveries;
    private final WebhookBodies bodies;
    private final WebhookFanOut fanOut;
    private final Clock clock;

    public EndpointDeliveries(WebhookEndpoints endpoints, DeliveryStore deliveries, WebhookBodies bodies,
            WebhookFanOut fanOut, Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.bodies = bodies;
        this.fanOut = fanOut;
        this.clock = clock;
    }

    /** {@code nextCursor}: the id to pass as {@code before} for the next page, null on the last one. */
    public record Page(List<DeliveryStore.Row> items, String nextCursor) {
    }

    /** @param status one of {@link #STATUSES}, or null for all; {@code before}: a cursor, or null for the newest */
    public Page list(String partnerId, UUID id, String status, int limit, UUID before) {
        Endpoint e = endpoints.get(partnerId, id);
        List<DeliveryStore.Row> rows = deliveries.list(e.id(), status, before, limit + 1);
        boolean more = rows.size() > limit;
        List<DeliveryStore.Row> page = more ? rows.subList(0, limit) : rows;
        return new Page(page, more ? page.get(page.size() - 1).id().toString() : null);
    }

    /** Sends the delivery again now, with a fresh retry schedule; refused while it is being sent. */
    @Transactional
    public DeliveryStore.Row retry(String partnerId, UUID id, UUID deliveryId) {
        Endpoint e = endpoints.get(partnerId, id);
        DeliveryStore.Row row = deliveries.find(e.id(), deliveryId)
                .orElseThrow(() -> new WebhookRefusal.UnknownDelivery(deliveryId));
        bodies.restoreIfRemoved(e, deliveryId, row.orderId(), row.sequence());
        if (!deliveries.retry(e.id(), deliveryId, row.orderId(), clock.instant())) {
            throw new WebhookRefusal.DeliveryInFlight();
        }
        fanOut.wakeAfterCommit();
        return deliveries.find(e.id(), deliveryId).orElseThrow();
    }
}
