package io.orderrelay.order;

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
 * outcome. Upstream calls run outside any transaction. Two commits per order, each needed for a crash to
 * leave a state that says what is known: the order in {@code Submitting} (with its Idempotency-Key claim)
 * before the create is sent, and the outcome (with the key's answer) after. A refusal by validation, where
 * nothing is sent, is stored in one.
 */
@ApplicationScoped
public class OrderPlacement {

    static final String ORDERS_PATH = "/v1/orders";

    /** An Idempotency-Key, whose keys ({@code scope}) and the hash of the body it came with. */
    private record Key(String scope, String key, String hash) {
    }

    /**
     * What the transaction that stores the order decided: {@link Stored} in {@code Submitting}, go on with the create;
     * {@link Held}: another request holds the key, nothing stored; {@link Refused} by validation: stored and answered.
     */
    private sealed interface Opened {
    }

    private record Stored() implements Opened {
    }

    private record Held(IdempotencyStore.Claim claim) implements Opened {
    }

    private record Refused(ProblemException rejection) implements Opened {
    }

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
        String canonical = views.write(request);
        Key key = idempotencyKey == null ? null : new Key(idempotencyScope, idempotencyKey,
                IdempotencyStore.hash(canonical));
        if (key != null) {
            // a read only: a key already used answers before any upstream call
            Optional<IdempotencyStore.Claim> held = idempotency.find(key.scope(), key.key(), key.hash());
            if (held.isPresent()) {
                return answerHeld(held.get());
            }
        }
        Optional<Order> duplicate = duplicateReference(request);
        if (duplicate.isPresent()) {
            return refuse(key, duplicateReference(duplicate.get()));
        }
        // a 503 here has stored nothing and claimed no key: the same key may do the work again
        List<Problem.UpstreamProblem> problems = validateUpstream(request);
        Order order = newOrder(request, canonical);
        Opened opened;
        try {
            opened = QuarkusTransaction.requiringNew().call(() -> open(order, problems, key));
        } catch (RuntimeException e) {
            // the unique (partner_id, client_reference) index: a concurrent create won the race (nothing committed)
            duplicate = duplicateReference(request);
            if (duplicate.isPresent()) {
                return refuse(key, duplicateReference(duplicate.get()));
            }
            throw e;
        }
        if (opened instanceof Held held) {
            return answerHeld(held.claim());
        }
        if (opened instanceof Refused refused) {
            throw refused.rejection();
        }
        UpstreamOrder created;
        try {
            created = upstream.create(request.countryCode(), UpstreamRequestMapper.create(request));
        } catch (RuntimeException e) {
            UpstreamException failure = UpstreamClient.failure(e);
            throw QuarkusTransaction.requiringNew().call(() -> answered(key, createFailed(order, failure)));
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Order placed = record(order.id, Observation.upstream(created, TransitionSource.CREATE), null);
            PlacementAnswer placedAnswer = new PlacementAnswer(201, views.write(views.view(placed)), false, placed.id);
            if (key != null) {
                idempotency.complete(key.scope(), key.key(), placed.id, 201, placedAnswer.body());
            }
            Log.infof("Order %s placed upstream as %s (%s)", placed.id, placed.upstreamOrderId, placed.state);
            return placedAnswer;
        });
    }

    /**
     * In the transaction that stores the order: claims the key (answering what holds it when another request
     * did), stores {@code Submitting}, and when validation refused the order, its rejection and the answer to it.
     */
    private Opened open(Order order, List<Problem.UpstreamProblem> problems, Key key) {
        if (key != null) {
            IdempotencyStore.Claim claim = idempotency.claim(key.scope(), key.key(), key.hash(), order.id);
            if (!(claim instanceof IdempotencyStore.Fresh)) {
                return new Held(claim);
            }
        }
        transitions.open(order);
        if (problems.isEmpty()) {
            return new Stored();
        }
        // nothing was sent upstream: Submitting and Rejected may commit together
        Order rejected = record(order.id, Observation.local(OrderState.REJECTED, TransitionSource.CREATE),
                "upstream validation: " + codes(problems));
        return new Refused(answered(key, rejection(rejected, problems)));
    }

    /** What holds the key answers instead of this request: the stored answer, or a conflict. */
    private PlacementAnswer answerHeld(IdempotencyStore.Claim claim) {
        if (claim instanceof IdempotencyStore.Replay replay) {
            return new PlacementAnswer(replay.status(), replay.body(), true, replay.orderId());
        }
        if (claim instanceof IdempotencyStore.Mismatch) {
            throw ProblemException.conflict("This Idempotency-Key was already used with another request body");
        }
        if (claim instanceof IdempotencyStore.Settling settling) {
            Order order = Order.findById(settling.orderId());
            throw new ProblemException(Problem.of(409, "idempotency-settling", "Conflict",
                    "A request with this Idempotency-Key stored this order and did not finish; read the order")
                    .withOrder(order.id, order.state));
        }
        throw new ProblemException(Problem.of(409, "idempotency-in-progress", "Conflict",
                "A request with this Idempotency-Key is still being processed; retry shortly"), 1L);
    }

    /** A refusal that stored no order: kept with the key, unless a concurrent request with the key holds it. */
    private PlacementAnswer refuse(Key key, ProblemException refusal) {
        Problem answered = refusal.problem().withInstance(ORDERS_PATH);
        if (key != null) {
            IdempotencyStore.Claim claim = idempotency.answer(key.scope(), key.key(), key.hash(), answered.orderId(),
                    answered.status(), views.write(answered));
            if (!(claim instanceof IdempotencyStore.Fresh)) {
                return answerHeld(claim);
            }
        }
        throw new ProblemException(answered, refusal.retryAfterSeconds());
    }

    /**
     * The problem as answered, in the transaction that stores its outcome: stored with the key (with its instance,
     * so that the replay is the same body, byte for byte), or, when nothing reached upstream (503), the key forgotten
     * so that it may do the work again.
     */
    private ProblemException answered(Key key, ProblemException e) {
        Problem answered = e.problem().withInstance(ORDERS_PATH);
        if (key != null && answered.status() == 503) {
            idempotency.forget(key.scope(), key.key());
        } else if (key != null) {
            idempotency.complete(key.scope(), key.key(), answered.orderId(), answered.status(), views.write(answered));
        }
        return new ProblemException(answered, e.retryAfterSeconds());
    }

    /** Dry run: upstream's verdict on the body, nothing stored. */
    public List<Problem.UpstreamProblem> validate(CreateOrderRequest request) {
        return validateUpstream(request);
    }

    private static Optional<Order> duplicateReference(CreateOrderRequest request) {
        if (request.clientReference() == null) {
            return Optional.empty();
        }
        // a Rejected order never existed upstream: its reference may be used again
        return Order.find("partnerId = ?1 and clientReference = ?2 and state <> ?3",
                request.partnerId(), request.clientReference(), OrderState.REJECTED).firstResultOptional();
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

    /** The order to store, built outside the transaction. */
    private Order newOrder(CreateOrderRequest request, String canonical) {
        Order order = new Order();
        order.id = Ids.newId();
        order.partnerId = request.partnerId();
        order.clientReference = request.clientReference();
        order.countryCode = request.countryCode();
        order.lang = request.effectiveLang();
        order.request = canonical;
        order.coin = request.payment().coin();
        order.network = request.payment().network();
        order.paymentVia = request.payment().paymentVia();
        order.deliveries = views.deliveriesJson(request.deliveries().stream()
                .map(d -> new OrderView.DeliveryView(d.brandName(), d.countryCode(), d.denomination(), d.quantity(), null))
                .toList());
        return order;
    }

    /** In the transaction that stores the outcome. */
    private ProblemException createFailed(Order order, UpstreamException failure) {
        if (failure instanceof UpstreamException.Refused refused) {
            List<Problem.UpstreamProblem> problems = UpstreamProblems.fromError(refused.body(), refused.code());
            Order rejected = record(order.id, Observation.local(OrderState.REJECTED, TransitionSource.CREATE),
                    "upstream refused the create with " + refused.status() + ": " + codes(problems));
            return rejection(rejected, problems);
        }
        if (failure.definitelyNotSent()) {
            Order rejected = record(order.id, Observation.local(OrderState.REJECTED, TransitionSource.CREATE),
                    "not submitted: " + failure.getMessage());
            return new ProblemException(Problem.of(503, "upstream-unavailable", "Upstream unavailable",
                    "Upstream could not be reached; the order was not submitted and is Rejected")
                    .withOrder(rejected.id, rejected.state), 30L);
        }
        Order uncertain = record(order.id, Observation.local(OrderState.SUBMISSION_UNCERTAIN, TransitionSource.CREATE),
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

    /** Applies the observation in the caller's transaction; the order as it now stands. */
    private Order record(UUID orderId, Observation observation, String reason) {
        transitions.apply(orderId, observation);
        Order current = Order.findById(orderId);
        if (reason != null) {
            current.stateReason = reason;
        }
        return current;
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
}
