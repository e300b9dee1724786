package io.orderrelay.order;

import java.util.List;
import java.util.UUID;

import io.orderrelay.problem.Problem;

/**
 * What {@link OrderPlacement#place} came to, in the order's terms. {@link OrderAnswers} alone turns an outcome into
 * the HTTP answer (status, problem body, headers).
 */
public sealed interface PlacementOutcome {

    /** Whether the outcome is kept with the request's Idempotency-Key, so that a retry with it gets the same answer. */
    default boolean keptWithKey() {
        return true;
    }

    /** Created upstream and stored in the state upstream answered. */
    record Placed(OrderView order) implements PlacementOutcome {
    }

    /** The answer kept with the Idempotency-Key by an earlier request, repeated as it was, byte for byte. */
    record Replayed(OrderAnswers.Answer answer) implements PlacementOutcome {
        @Override
        public boolean keptWithKey() {
            return false;
        }
    }

    /** Upstream refused the order (at validation or at the create): stored as {@code Rejected}. */
    record Rejected(UUID orderId, String state, List<Problem.UpstreamProblem> problems) implements PlacementOutcome {
    }

    /** The create never reached upstream (refused connection, open circuit): stored as {@code Rejected}, the key forgotten. */
    record NotSubmitted(UUID orderId, String state) implements PlacementOutcome {
        @Override
        public boolean keptWithKey() {
            return false;
        }
    }

    /** The create was sent and not confirmed: stored as {@code SubmissionUncertain}, never sent again by itself. */
    record Uncertain(UUID orderId, String state, boolean timedOut) implements PlacementOutcome {
    }

    /** The partner already has an order with this client_reference; nothing stored. */
    record DuplicateReference(UUID orderId, String state) implements PlacementOutcome {
    }

    /** Upstream could not validate the order: nothing stored, no key claimed; {@code retryAfterSeconds} when upstream said. */
    record ValidationUnavailable(Long retryAfterSeconds) implements PlacementOutcome {
        @Override
        public boolean keptWithKey() {
            return false;
        }
    }

    /** The Idempotency-Key was used before with another request body. */
    record KeyReused() implements PlacementOutcome {
        @Override
        public boolean keptWithKey() {
            return false;
        }
    }

    /** Another request with the Idempotency-Key is still being processed. */
    record KeyInProgress() implements PlacementOutcome {
        @Override
        public boolean keptWithKey() {
            return false;
        }
    }

    /** A request with the Idempotency-Key stored this order and did not finish: its state is the outcome. */
    record KeySettling(UUID orderId, String state) implements PlacementOutcome {
        @Override
        public boolean keptWithKey() {
            return false;
        }
    }
}
