package io.orderrelay.order;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.orderrelay.problem.Problem;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.upstream.UpstreamClient;
import io.orderrelay.upstream.UpstreamException;
import io.orderrelay.upstream.UpstreamOrder;
import io.quarkus.logging.Log;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Operators settle orders whose create outcome is unknown. */
@ApplicationScoped
public class OrderResolution {

    private final UpstreamClient upstream;
    private final TransitionWriter transitions;

    public OrderResolution(UpstreamClient upstream, TransitionWriter transitions) {
        this.upstream = upstream;
        this.transitions = transitions;
    }

    public Order resolve(UUID orderId, ResolveRequest request) {
        Order order = requireUncertain(QuarkusTransaction.requiringNew().call(() -> Order.<Order>findById(orderId)), orderId);
        if (request.state() != null) {
            return QuarkusTransaction.requiringNew().call(() -> {
                requireUncertain(Order.findById(orderId, LockModeType.PESSIMISTIC_WRITE), orderId);
                transitions.apply(orderId, Observation.local(OrderState.REJECTED, TransitionSource.OPERATOR));
                Order current = Order.findById(orderId);
                current.stateReason = request.reason() == null ? "rejected by an operator" : request.reason();
                Log.infof("Order %s resolved as Rejected by an operator", orderId);
                return current;
            });
        }
        UpstreamOrder found = fetch(request.upstreamOrderId(), order.countryCode);
        return QuarkusTransaction.requiringNew().call(() -> {
            Order current = requireUncertain(Order.findById(orderId, LockModeType.PESSIMISTIC_WRITE), orderId);
            Order.<Order>find("upstreamOrderId", found.orderId()).firstResultOptional().ifPresent(other -> {
                throw new ProblemException(Problem.of(409, "upstream-order-taken", "Conflict",
                        "Upstream order " + found.orderId() + " already belongs to order " + other.id)
                        .withOrder(current.id, current.state));
            });
            current.upstreamOrderId = found.orderId();
            transitions.apply(orderId, Observation.upstream(found, TransitionSource.OPERATOR));
            Log.infof("Order %s resolved as upstream order %s (%s)", orderId, found.orderId(), found.orderState());
            return Order.<Order>findById(orderId);
        });
    }

    private UpstreamOrder fetch(String upstreamOrderId, String countryCode) {
        try {
            return upstream.order(upstreamOrderId, countryCode);
        } catch (UpstreamOrder.InvalidPayload e) {
            throw new ProblemException(Problem.of(422, "upstream-order-unreadable", "Upstream order unreadable",
                    "Upstream answered for this id with something that is not that order"));
        } catch (RuntimeException e) {
            UpstreamException failure = UpstreamClient.failure(e);
            if (failure instanceof UpstreamException.Refused) {
                throw new ProblemException(Problem.of(422, "upstream-order-not-found", "Unknown upstream order",
                        "Upstream knows no order " + upstreamOrderId)
                        .withErrors(java.util.List.of(new Problem.FieldError("upstream_order_id", "unknown upstream"))));
            }
            throw OrderPlacement.unavailable("Upstream could not be asked about this order; retry later", failure);
        }
    }

    private static Order requireUncertain(Order order, UUID orderId) {
        if (order == null) {
            throw ProblemException.notFound("Order " + orderId);
        }
        if (!OrderState.SUBMISSION_UNCERTAIN.equals(order.state)) {
            throw new ProblemException(Problem.of(409, "not-uncertain", "Conflict",
                    "Only a SubmissionUncertain order can be resolved").withOrder(order.id, order.state));
        }
        return order;
    }
}
