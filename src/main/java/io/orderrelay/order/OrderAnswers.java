package io.orderrelay.order;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.problem.Problem;
import io.orderrelay.problem.ProblemException;

/**
 * The HTTP face of the order outcomes: the one place that decides which status, problem body and Retry-After each
 * {@link PlacementOutcome}, {@link ValidationOutcome} and {@link ResolutionOutcome} answers. {@link OrderResource}
 * answers with it; {@link OrderPlacement} keeps the same answer with an Idempotency-Key, byte for byte, in the
 * transaction that stores the outcome, so that a replay answers exactly what the first request did.
 */
@ApplicationScoped
public class OrderAnswers {

    static final String ORDERS_PATH = "/v1/orders";
    /** How long to wait before asking again when upstream did not say. */
    static final long UPSTREAM_RETRY_AFTER = 5L;
    /** A create that never left: upstream (or our circuit to it) needs a while. */
    static final long NOT_SUBMITTED_RETRY_AFTER = 30L;

    /** A status with its JSON body as sent; {@code retryAfterSeconds} for a Retry-After header, else null. */
    public record Answer(int status, String body, UUID orderId, Long retryAfterSeconds) {

        public boolean isProblem() {
            return status >= 400;
        }
    }

    private final OrderViews views;

    public OrderAnswers(OrderViews views) {
        this.views = views;
    }

    public Answer placement(PlacementOutcome outcome) {
        if (outcome instanceof PlacementOutcome.Replayed replayed) {
            return replayed.answer();
        }
        if (outcome instanceof PlacementOutcome.Placed placed) {
            return new Answer(201, views.write(placed.order()), placed.order().id(), null);
        }
        Problem problem = placementProblem(outcome).withInstance(ORDERS_PATH);
        return new Answer(problem.status(), views.write(problem), problem.orderId(), retryAfter(outcome));
    }

    private static Problem placementProblem(PlacementOutcome outcome) {
        if (outcome instanceof PlacementOutcome.Rejected r) {
            return rejected(r.problems()).withOrder(r.orderId(), r.state());
        }
        if (outcome instanceof PlacementOutcome.NotSubmitted n) {
            return Problem.of(503, "upstream-unavailable", "Upstream unavailable",
                    "Upstream could not be reached; the order was not submitted and is Rejected")
                    .withOrder(n.orderId(), n.state());
        }
        if (outcome instanceof PlacementOutcome.Uncertain u) {
            return Problem.of(u.timedOut() ? 504 : 502, "submission-uncertain", "Submission outcome unknown",
                    "Upstream did not confirm the order; it may exist upstream. It will not be resent automatically: "
                            + "resolve it with POST /v1/orders/{id}/resolve")
                    .withOrder(u.orderId(), u.state());
        }
        if (outcome instanceof PlacementOutcome.DuplicateReference d) {
            return Problem.of(409, "duplicate-client-reference", "Conflict",
                    "An order with this client_reference already exists for this partner").withOrder(d.orderId(), d.state());
        }
        if (outcome instanceof PlacementOutcome.ValidationUnavailable) {
            return unavailable("Upstream could not validate the order; nothing was stored, retry later");
        }
        if (outcome instanceof PlacementOutcome.KeyReused) {
            return Problem.of(409, "conflict", "Conflict", "This Idempotency-Key was already used with another request body");
        }
        if (outcome instanceof PlacementOutcome.KeySettling s) {
            return Problem.of(409, "idempotency-settling", "Conflict",
                    "A request with this Idempotency-Key stored this order and did not finish; read the order")
                    .withOrder(s.orderId(), s.state());
        }
        if (outcome instanceof PlacementOutcome.KeyInProgress) {
            return Problem.of(409, "idempotency-in-progress", "Conflict",
                    "A request with this Idempotency-Key is still being processed; retry shortly");
        }
        throw new IllegalArgumentException("not a problem: " + outcome);
    }

    private static Long retryAfter(PlacementOutcome outcome) {
        if (outcome instanceof PlacementOutcome.ValidationUnavailable v) {
            return v.retryAfterSeconds() != null ? v.retryAfterSeconds() : UPSTREAM_RETRY_AFTER;
        }
        if (outcome instanceof PlacementOutcome.NotSubmitted) {
            return NOT_SUBMITTED_RETRY_AFTER;
        }
        return outcome instanceof PlacementOutcome.KeyInProgress ? 1L : null;
    }

    /** The verdict, or a 503 problem when upstream could not give one. */
    public List<Problem.UpstreamProblem> validation(ValidationOutcome outcome) {
        if (outcome instanceof ValidationOutcome.Verdict verdict) {
            return verdict.problems();
        }
        Long retryAfter = ((ValidationOutcome.Unavailable) outcome).retryAfterSeconds();
        throw new ProblemException(unavailable("Upstream could not validate the order; nothing was stored, retry later"),
                retryAfter != null ? retryAfter : UPSTREAM_RETRY_AFTER);
    }

    /** The order as resolved, or the problem that answers why it was not. */
    public Order resolution(ResolutionOutcome outcome) {
        if (outcome instanceof ResolutionOutcome.Resolved resolved) {
            return resolved.order();
        }
        if (outcome instanceof ResolutionOutcome.Unknown unknown) {
            throw ProblemException.notFound("Order " + unknown.orderId());
        }
        if (outcome instanceof ResolutionOutcome.NotUncertain n) {
            throw new ProblemException(Problem.of(409, "not-uncertain", "Conflict",
                    "Only a SubmissionUncertain order can be resolved").withOrder(n.orderId(), n.state()));
        }
        if (outcome instanceof ResolutionOutcome.UpstreamOrderTaken t) {
            throw new ProblemException(Problem.of(409, "upstream-order-taken", "Conflict",
                    "Upstream order " + t.upstreamOrderId() + " already belongs to order " + t.owner())
                    .withOrder(t.orderId(), t.state()));
        }
        if (outcome instanceof ResolutionOutcome.UpstreamOrderUnreadable) {
            throw new ProblemException(Problem.of(422, "upstream-order-unreadable", "Upstream order unreadable",
                    "Upstream answered for this id with something that is not that order"));
        }
        if (outcome instanceof ResolutionOutcome.UpstreamOrderUnknown u) {
            throw new ProblemException(Problem.of(422, "upstream-order-not-found", "Unknown upstream order",
                    "Upstream knows no order " + u.upstreamOrderId())
                    .withErrors(List.of(new Problem.FieldError("upstream_order_id", "unknown upstream"))));
        }
        Long retryAfter = ((ResolutionOutcome.UpstreamUnavailable) outcome).retryAfterSeconds();
        throw new ProblemException(unavailable("Upstream could not be asked about this order; retry later"),
                retryAfter != null ? retryAfter : UPSTREAM_RETRY_AFTER);
    }

    private static Problem rejected(List<Problem.UpstreamProblem> problems) {
        return Problem.of(422, "order-rejected", "Order rejected", "Upstream refused the order: " + codes(problems))
                .withProblems(problems);
    }

    private static Problem unavailable(String detail) {
        return Problem.of(503, "upstream-unavailable", "Upstream unavailable", detail);
    }

    static String codes(List<Problem.UpstreamProblem> problems) {
        return String.join(", ", problems.stream().map(Problem.UpstreamProblem::code).toList());
    }
}
