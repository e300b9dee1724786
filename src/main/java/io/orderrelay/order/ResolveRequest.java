package io.orderrelay.order;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Size;

/**
 * Settles a {@code SubmissionUncertain} order: either the upstream order was found ({@code upstream_order_id})
 * or it does not exist ({@code state: "Rejected"} with a reason).
 */
public record ResolveRequest(
        @Size(min = 1, max = 100) String upstreamOrderId,
        ResolvedState state,
        @Size(max = 500) String reason) {

    /** The only state an operator may set by hand. */
    public enum ResolvedState {
        Rejected
    }

    @AssertTrue(message = "give exactly one of upstream_order_id or state")
    public boolean isUpstreamOrderId() {
        return (upstreamOrderId == null) != (state == null);
    }
}
