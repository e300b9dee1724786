package io.orderrelay.order;

import java.util.List;

import io.orderrelay.problem.Problem;

/** Upstream's verdict on an order body (empty problems: valid), or that upstream could not give one. */
public sealed interface ValidationOutcome {

    record Verdict(List<Problem.UpstreamProblem> problems) implements ValidationOutcome {
    }

    /** {@code retryAfterSeconds} when upstream said how long to wait (a 429), else null. */
    record Unavailable(Long retryAfterSeconds) implements ValidationOutcome {
    }
}
