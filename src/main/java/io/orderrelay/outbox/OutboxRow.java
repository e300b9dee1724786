package io.orderrelay.outbox;

import java.time.Instant;
import java.util.UUID;

/** A pending outbox row as claimed by the relay; {@code traceparent}: the W3C trace context of its cause, or null. */
record OutboxRow(long id, UUID eventId, UUID orderId, int sequence, String type, byte[] payload, Instant createdAt,
        String traceparent) {
}
