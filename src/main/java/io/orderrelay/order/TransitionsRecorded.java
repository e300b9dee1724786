package io.orderrelay.order;

import java.util.List;

/**
 * Fired synchronously by {@link TransitionWriter}, once per group of observations applied together, inside the
 * transaction that recorded them: the outbox and the webhook fan-out write the rows of the whole group in it, with a
 * few statements instead of a few per transition. Never empty. {@link TransitionRecorded} is still fired for each
 * transition (for after-commit observers).
 */
public record TransitionsRecorded(List<TransitionRecorded> all) {
}
