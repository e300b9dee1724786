package io.orderrelay.order;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

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

    public ResolutionOutcome resolve(UUID orderId, ResolveRequest request) {
        Order read = QuarkusTransaction.requiringNew().call(() -> Order.<Order>findById(orderId));
        Optional<ResolutionOutcome> refused = refusal(read, orderId);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (request.state() != null) {
            return QuarkusTransaction.requiringNew().call(() -> {
                Optional<ResolutionOutcome> refusedNow = refusal(Order.findById(orderId, LockModeType.PESSIMISTIC_WRITE), orderId);
                if (refusedNow.isPresent()) {
                    return refusedNow.get();
                }
                transitions.apply(orderId, Observation.local(OrderState.REJECTED, TransitionSource.OPERATOR));
                Order current = Order.findById(orderId);
                current.stateReason = request.reason() == null ? "rejected by an operator" : request.reason();
                Log.infof("Order %s resolved as Rejected by an operator", orderId);
                return new ResolutionOutcome.Resolved(current);
            });
        }
        UpstreamOrder found;
        try {
            found = upstream.order(request.upstreamOrderId(), read.countryCode);
        } catch (UpstreamOrder.InvalidPayload e) {
            return new ResolutionOutcome.UpstreamOrderUnreadable();
        } catch (RuntimeException e) {
            UpstreamException failure = UpstreamClient.failure(e);
            return failure instanceof UpstreamException.Refused
                    ? new ResolutionOutcome.UpstreamOrderUnknown(request.upstreamOrderId())
                    : new ResolutionOutcome.UpstreamUnavailable(OrderPlacement.retryAfter(failure));
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Order current = Order.findById(orderId, LockModeType.PESSIMISTIC_WRITE);
            Optional<ResolutionOutcome> refusedNow = refusal(current, orderId);
            if (refusedNow.isPresent()) {
                return refusedNow.get();
            }
            Order other = Order.<Order>find("upstreamOrderId", found.orderId()).firstResult();
            if (other != null) {
                return new ResolutionOutcome.UpstreamOrderTaken(found.orderId(), other.id, orderId, current.state);
            }
            current.upstreamOrderId = found.orderId();
            transitions.apply(orderId, Observation.upstream(found, TransitionSource.OPERATOR));
            Log.infof("Order %s resolved as upstream order %s (%s)", orderId, found.orderId(), found.orderState());
            return new ResolutionOutcome.Resolved(Order.<Order>findById(orderId));
        });
    }

    /** Why the order cannot be resolved, or empty when it can (it is SubmissionUncertain). */
    private static Optional<ResolutionOutcome> refusal(Order order, UUID orderId) {
        if (order == null) {
            return Optional.of(new ResolutionOutcome.Unknown(orderId));
        }
        if (!OrderState.SUBMISSION_UNCERTAIN.equals(order.state)) {
            return Optional.of(new ResolutionOutcome.NotUncertain(order.id, order.state));
        }
        return Optional.empty();
    }
}
