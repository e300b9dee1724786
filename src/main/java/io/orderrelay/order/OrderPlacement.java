package io.orderrelay.order;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.problem.Problem;
import io.orderrelay.tracing.OrderMdc;
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
 * nothing is sent, is stored in one. Answers a {@link PlacementOutcome}; the key keeps the answer
 * {@link OrderAnswers} gives it.
 */
@ApplicationScoped
public class OrderPlacement {

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

    private record Refused(PlacementOutcome rejection) implements Opened {
    }

    private final UpstreamClient upstream;
    private final TransitionWriter transitions;
    private final IdempotencyStore idempotency;
    private final OrderViews views;
    private final OrderAnswers answers;
    private final PlacementLookup lookup;

    public OrderPlacement(UpstreamClient upstream, TransitionWriter transitions, IdempotencyStore idempotency,
            OrderViews views, OrderAnswers answers, PlacementLookup lookup) {
        this.lookup = lookup;
        this.upstream = upstream;
        this.transitions = transitions;
        this.idempotency = idempotency;
        this.views = views;
        this.answers = answers;
    }

    /**
     * @param idempotencyScope whose keys these are (keys of different callers never collide)
     * @param idempotencyKey   may be null
     */
    public PlacementOutcome place(CreateOrderRequest request, String idempotencyScope, String idempotencyKey) {
        String canonical = views.write(request);
        Key key = idempotencyKey == null ? null : new Key(idempotencyScope, idempotencyKey,
                IdempotencyStore.hash(canonical));
        // a read only: a key already used answers before any upstream call, then a client_reference already used
        PlacementLookup.Before before = key == null ? lookup.before(request, null, null, null)
                : lookup.before(request, key.scope(), key.key(), key.hash());
        if (before.held().isPresent()) {
            return held(before.held().get());
        }
        if (before.duplicate().isPresent()) {
            return refuse(key, before.duplicate().get());
        }
        // unavailable here, nothing is stored and no key claimed: the same key may do the work again
        ValidationOutcome validation = validate(request);
        if (validation instanceof ValidationOutcome.Unavailable unavailable) {
            return new PlacementOutcome.ValidationUnavailable(unavailable.retryAfterSeconds());
        }
        List<Problem.UpstreamProblem> problems = ((ValidationOutcome.Verdict) validation).problems();
        Order order = newOrder(request, canonical);
        // every later line of this request is about this order (the JSON logs' order_id)
        OrderMdc.forRequest(order.id);
        Opened opened;
        try {
            opened = QuarkusTransaction.requiringNew().call(() -> open(order, problems, key));
        } catch (RuntimeException e) {
            // the unique (partner_id, client_reference) index: a concurrent create won the race (nothing committed)
            Optional<PlacementLookup.Holder> duplicate = lookup.duplicateReference(request);
            if (duplicate.isPresent()) {
                return refuse(key, duplicate.get());
            }
            throw e;
        }
        if (opened instanceof Held held) {
            return held(held.claim());
        }
        if (opened instanceof Refused refused) {
            return refused.rejection();
        }
        UpstreamOrder created;
        try {
            created = upstream.create(request.countryCode(), UpstreamRequestMapper.create(request));
        } catch (RuntimeException e) {
            UpstreamException failure = UpstreamClient.failure(e);
            return QuarkusTransaction.requiringNew().call(() -> kept(key, createFailed(order, failure)));
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Order placed = record(order.id, Observation.upstream(created, TransitionSource.CREATE), null);
            Log.infof("Order %s placed upstream as %s (%s)", placed.id, placed.upstreamOrderId, placed.state);
            return kept(key, new PlacementOutcome.Placed(views.view(placed)));
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
                "upstream validation: " + OrderAnswers.codes(problems));
        return new Refused(kept(key, new PlacementOutcome.Rejected(rejected.id, rejected.state, problems)));
    }

    /** What holds the key answers instead of this request: the kept answer, or a conflict. */
    private static PlacementOutcome held(IdempotencyStore.Claim claim) {
        if (claim instanceof IdempotencyStore.Replay replay) {
            return new PlacementOutcome.Replayed(new OrderAnswers.Answer(replay.status(), replay.body(), replay.orderId(),
                    null));
        }
        if (claim instanceof IdempotencyStore.Mismatch) {
            return new PlacementOutcome.KeyReused();
        }
        if (claim instanceof IdempotencyStore.Settling settling) {
            Order order = Order.findById(settling.orderId());
            return new PlacementOutcome.KeySettling(order.id, order.state);
        }
        return new PlacementOutcome.KeyInProgress();
    }

    /** A duplicate client_reference stores no order: kept with the key, unless a concurrent request with the key holds it. */
    private PlacementOutcome refuse(Key key, PlacementLookup.Holder existing) {
        PlacementOutcome refusal = new PlacementOutcome.DuplicateReference(existing.orderId(), existing.state());
        if (key != null) {
            OrderAnswers.Answer answer = answers.placement(refusal);
            IdempotencyStore.Claim claim = idempotency.answer(key.scope(), key.key(), key.hash(), answer.orderId(),
                    answer.status(), answer.body());
            if (!(claim instanceof IdempotencyStore.Fresh)) {
                return held(claim);
            }
        }
        return refusal;
    }

    /**
     * The outcome, in the transaction that stores it: its answer kept with the key (so that the replay is the same
     * body, byte for byte), or, when nothing reached upstream, the key forgotten so that it may do the work again.
     */
    private PlacementOutcome kept(Key key, PlacementOutcome outcome) {
        if (key != null && outcome.keptWithKey()) {
            OrderAnswers.Answer answer = answers.placement(outcome);
            idempotency.complete(key.scope(), key.key(), answer.orderId(), answer.status(), answer.body());
        } else if (key != null && outcome instanceof PlacementOutcome.NotSubmitted) {
            idempotency.forget(key.scope(), key.key());
        }
        return outcome;
    }

    /** Dry run: upstream's verdict on the body, nothing stored. */
    public ValidationOutcome validate(CreateOrderRequest request) {
        try {
            return new ValidationOutcome.Verdict(UpstreamProblems.fromValidation(
                    upstream.validate(request.countryCode(), UpstreamRequestMapper.validation(request))));
        } catch (RuntimeException e) {
            UpstreamException failure = UpstreamClient.failure(e);
            if (failure instanceof UpstreamException.Refused refused) {
                return new ValidationOutcome.Verdict(UpstreamProblems.fromError(refused.body(), refused.code()));
            }
            return new ValidationOutcome.Unavailable(retryAfter(failure));
        }
    }

    /** How long upstream asked us to wait (a 429 with Retry-After), else null. */
    static Long retryAfter(UpstreamException failure) {
        return failure instanceof UpstreamException.RateLimited limited ? limited.retryAfterSeconds() : null;
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

    /** In the transaction that stores the outcome: what the failure says about the order, by its type. */
    private PlacementOutcome createFailed(Order order, UpstreamException failure) {
        if (failure instanceof UpstreamException.Refused refused) {
            List<Problem.UpstreamProblem> problems = UpstreamProblems.fromError(refused.body(), refused.code());
            Order rejected = record(order.id, Observation.local(OrderState.REJECTED, TransitionSource.CREATE),
                    "upstream refused the create with " + refused.status() + ": " + OrderAnswers.codes(problems));
            return new PlacementOutcome.Rejected(rejected.id, rejected.state, problems);
        }
        if (failure.definitelyNotSent()) {
            Order rejected = record(order.id, Observation.local(OrderState.REJECTED, TransitionSource.CREATE),
                    "not submitted: " + failure.getMessage());
            return new PlacementOutcome.NotSubmitted(rejected.id, rejected.state);
        }
        Order uncertain = record(order.id, Observation.local(OrderState.SUBMISSION_UNCERTAIN, TransitionSource.CREATE),
                failure.getMessage());
        Log.warnf("Order %s: create outcome unknown (%s); left SubmissionUncertain for an operator",
                uncertain.id, failure.getMessage());
        boolean timedOut = failure instanceof UpstreamException.Unavailable unavailable && unavailable.timedOut();
        return new PlacementOutcome.Uncertain(uncertain.id, uncertain.state, timedOut);
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
}
