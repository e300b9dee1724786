package io.orderrelay.order;

import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Fired synchronously by {@link TransitionWriter} inside the transaction that recorded the transition:
 * observers (outbox, webhook fan-out) write their rows in that same transaction.
 *
 * @param redemption  per delivery, the redemption data of the snapshot (null entries when none): a secret,
 *                    only for consumers entitled to it
 * @param traceparent the W3C trace context of the work that caused the transition (null outside a trace)
 */
public record TransitionRecorded(UUID eventId, OrderView order, TransitionView transition, ArrayNode redemption,
        String traceparent) {
}
