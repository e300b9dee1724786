package io.orderrelay.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.problem.Problem;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.upstream.UpstreamClient;
import io.orderrelay.upstream.UpstreamException;
import io.orderrelay.upstream.UpstreamOrder;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Places an order: validate upstream, store {@code Submitting}, create upstream exactly once, store the
 * outcome. Upstream calls run outside any transaction; each database step commits on its own so that a
 * crash leaves the order in a state that says what is known.
 */
@ApplicationScoped
public class OrderPlacement {

    static final String ORDERS_PATH = "/v1/orders";

    private final UpstreamClient upstream;
    private final TransitionWriter transitions;
    private final IdempotencyStore idempotency;
    private final OrderViews views;

    public OrderPlacement(UpstreamClient upstream, TransitionWriter transitions, IdempotencyStore idempotency,
            OrderViews views) {
        this.upstream = upstream;
        this.transitions = transitions;
        this.idempotency = idempotency;
        this.views = views;
    }

    /**
     * @param idempotencyScope whose keys these are (keys of different callers never collide)
     * @param idempotencyKey   may be null
     */
    public PlacementAnswer place(CreateOrderRequest request, String idempotencyScope, String idempotencyKey) {
        if (idempotencyKey == null) {
            return placeOnce(request, id -> {
            });
        }
        String hash = hash(views.write(request));
        IdempotencyStore.Claim claim = idempotency.claim(idempotencyScope, idempotencyKey, hash);
        if (claim instanceof IdempotencyStore.Replay replay) {
            return new PlacementAnswer(replay.status(), replay.body(), true, replay.orderId());
        }
        if (claim instanceof IdempotencyStore.Mismatch) {
            throw ProblemException.conflict("This Idempotency-Key was already used with another request body");
        }
        if (claim instanceof IdempotencyStore.InProgress) {
            throw new ProblemException(Problem.of(409, "idempotency-in-progress", "Conflict",
                    "A request with this Idempotency-Key is still being processed; retry shortly"), 1L);
        }
        if (claim instanceof IdempotencyStore.Settling settling) {
            Order order = Order.findById(settling.orderId());
            throw new ProblemException(Problem.of(409, "idempotency-settling", "Conflict",
                    "A request with this Idempotency-Key stored this order and did not finish; read the order")
                    .withOrder(order.id, order.state));
        }
        PlacementAnswer answer;
        try {
            answer = placeOnce(request, orderId -> idempotency.attach(idempotencyScope, idempotencyKey, orderId));
        } catch (ProblemException e) {
            if (e.problem().status() == 503) {
                // nothing reached upstream (and any order stored is Rejected): the same key may do the work again
                idempotency.forget(idempotencyScope, idempotencyKey);
                throw e;
            }
            // stored with its instance so that the replay is the same body, byte for byte
            Problem answered = e.problem().withInstance(ORDERS_PATH);
            idempotency.complete(idempotencyScope, idempotencyKey, answered.orderId(), answered.status(),
                    views.write(answered));
            throw new ProblemException(answered, e.retryAfterSeconds());
        } catch (RuntimeException e) {
            // released only if no order was stored; else the key stays tied to the order (Settling)
            idempotency.release(idempotencyScope, idempotencyKey);
            throw e;
        }
        idempotency.complete(idempotencyScope, idempotencyKey, answer.orderId(), answer.status(), answer.body());
        return answer;
    }

    /** @param onStored called inside the transaction that stores the order */
    private PlacementAnswer placeOnce(CreateOrderRequest request, java.util.function.Consumer<UUID> onStored) {
        rejectDuplicateReference(request);
        List<Problem.UpstreamProblem> problems = validateUpstream(request);
        Order order;
        try {
            order = QuarkusTransaction.requiringNew().call(() -> {
                Order stored = open(request);
                onStored.accept(stored.id);
                return stored;
            });
        } catch (RuntimeException e) {
            // the unique (partner_id, client_reference) index: a concurrent create won the race
            rejectDuplicateReference(request);
            throw e;
        }
        if (!problems.isEmpty()) {
            Order rejected = settle(order, Observation.local(OrderState.REJECTED, TransitionSource.CREATE),
                    "upstream validation: " + codes(problems));
            throw rejection(rejected, problems);
        }
        UpstreamOrder created;
        try {
            created = upstream.create(request.countryCode(), UpstreamRequestMapper.create(request));
        } catch (RuntimeException e) {
            throw createFailed(order, UpstreamClient.failure(e));
        }
        Order placed = settle(order, Observation.upstream(created, TransitionSource.CREATE), null);
        Log.infof("Order %s placed upstream as %s (%s)", placed.id, placed.upstreamOrderId, placed.state);
        return new PlacementAnswer(201, views.write(views.view(placed)), false, placed.id);
    }

    /** Dry run: upstream's verdict on the body, nothing stored. */
    public List<Problem.UpstreamProblem> validate(CreateOrderRequest request) {
        return validateUpstream(request);
    }

    private void rejectDuplicateReference(CreateOrderRequest request) {
        if (request.clientReference() == null) {
            return;
        }
        // a Rejected order never existed upstream: its reference may be used again
        Optional<Order> existing = Order.find("partnerId = ?1 and clientReference = ?2 and state <> ?3",
                request.partnerId(), request.clientReference(), OrderState.REJECTED).firstResultOptional();
        existing.ifPresent(o -> {
            throw duplicateReference(o);
        });
    }

    private static ProblemException duplicateReference(Order existing) {
        return new ProblemException(Problem.of(409, "duplicate-client-reference", "Conflict",
                "An order with this client_reference already exists for this partner")
                .withOrder(existing.id, existing.state));
    }

    private List<Problem.UpstreamProblem> validateUpstream(CreateOrderRequest request) {
        try {
            return UpstreamProblems.fromValidation(
                    upstream.validate(request.countryCode(), UpstreamRequestMapper.validation(request)));
        } catch (RuntimeException e) {
            UpstreamException failure = UpstreamClient.failure(e);
            if (failure instanceof UpstreamException.Refused refused) {
                return UpstreamProblems.fromError(refused.body(), refused.code());
            }
            throw unavailable("Upstream could not validate the order; nothing was stored, retry later", failure);
        }
    }

    private Order open(CreateOrderRequest request) {
        Order order = new Order();
        order.id = Ids.newId();
        order.partnerId = request.partnerId();
        order.clientReference = request.clientReference();
        order.countryCode = request.countryCode();
        order.lang = request.effectiveLang();
        order.request = views.write(request);
        order.coin = request.payment().coin();
        order.network = request.payment().network();
        order.paymentVia = request.payment().paymentVia();
        order.deliveries = views.deliveriesJson(request.deliveries().stream()
                .map(d -> new OrderView.DeliveryView(d.brandName(), d.countryCode(), d.denomination(), d.quantity(), null))
                .toList());
        transitions.open(order);
        return order;
    }

    private ProblemException createFailed(Order order, UpstreamException failure) {
        if (failure instanceof UpstreamException.Refused refused) {
            List<Problem.UpstreamProblem> problems = UpstreamProblems.fromError(refused.body(), refused.code());
            Order rejected = settle(order, Observation.local(OrderState.REJECTED, TransitionSource.CREATE),
                    "upstream refused the create with " + refused.status() + ": " + codes(problems));
            return rejection(rejected, problems);
        }
        if (failure.definitelyNotSent()) {
            Order rejected = settle(order, Observation.local(OrderState.REJECTED, TransitionSource.CREATE),
                    "not submitted: " + failure.getMessage());
            return new ProblemException(Problem.of(503, "upstream-unavailable", "Upstream unavailable",
                    "Upstream could not be reached; the order was not submitted and is Rejected")
                    .withOrder(rejected.id, rejected.state), 30L);
        }
        Order uncertain = settle(order, Observation.local(OrderState.SUBMISSION_UNCERTAIN, TransitionSource.CREATE),
                failure.getMessage());
        Log.warnf("Order %s: create outcome unknown (%s); left SubmissionUncertain for an operator",
                uncertain.id, failure.getMessage());
        boolean timeout = failure.getMessage() != null && failure.getMessage().contains("timed out");
        int status = timeout ? 504 : 502;
        return new ProblemException(Problem.of(status, "submission-uncertain", "Submission outcome unknown",
                "Upstream did not confirm the order; it may exist upstream. It will not be resent automatically: "
                        + "resolve it with POST /v1/orders/{id}/resolve")
                .withOrder(uncertain.id, uncertain.state));
    }

    private Order settle(Order order, Observation observation, String reason) {
        return QuarkusTransaction.requiringNew().call(() -> {
            transitions.apply(order.id, observation);
            Order current = Order.findById(order.id);
            if (reason != null) {
                current.stateReason = reason;
            }
            return current;
        });
    }

    private static ProblemException rejection(Order order, List<Problem.UpstreamProblem> problems) {
        return new ProblemException(Problem.of(422, "order-rejected", "Order rejected",
                "Upstream refused the order: " + codes(problems))
                .withProblems(problems)
                .withOrder(order.id, order.state));
    }

    static ProblemException unavailable(String detail, UpstreamException failure) {
        Long retryAfter = failure instanceof UpstreamException.RateLimited limited && limited.retryAfterSeconds() != null
                ? limited.retryAfterSeconds() : 5L;
        return new ProblemException(Problem.of(503, "upstream-unavailable", "Upstream unavailable", detail), retryAfter);
    }

    private static String codes(List<Problem.UpstreamProblem> problems) {
        return String.join(", ", problems.stream().map(Problem.UpstreamProblem::code).toList());
    }

    private static String hash(String canonicalBody) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalBody.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
