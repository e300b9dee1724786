package io.orderrelay.order;

import java.util.UUID;

/** What {@link OrderResolution#resolve} came to; {@link OrderAnswers} turns it into HTTP. */
public sealed interface ResolutionOutcome {

    /** Settled: the order as it now stands. */
    record Resolved(Order order) implements ResolutionOutcome {
    }

    /** No such order. */
    record Unknown(UUID orderId) implements ResolutionOutcome {
    }

    /** Only a SubmissionUncertain order can be resolved. */
    record NotUncertain(UUID orderId, String state) implements ResolutionOutcome {
    }

    /** The upstream order named already belongs to another order. */
    record UpstreamOrderTaken(String upstreamOrderId, UUID owner, UUID orderId, String state) implements ResolutionOutcome {
    }

    /** Upstream answered for the id with something that is not that order. */
    record UpstreamOrderUnreadable() implements ResolutionOutcome {
    }

    /** Upstream refused to answer for the id: it knows no such order. */
    record UpstreamOrderUnknown(String upstreamOrderId) implements ResolutionOutcome {
    }

    /** Upstream could not be asked; {@code retryAfterSeconds} when it said how long to wait. */
    record UpstreamUnavailable(Long retryAfterSeconds) implements ResolutionOutcome {
    }
}
