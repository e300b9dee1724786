package io.orderrelay.webhook;

import java.util.List;
import java.util.UUID;

import io.orderrelay.problem.Problem;

/**
 * Why the endpoint services refuse a request, in webhook terms; {@link WebhookProblems} alone turns each into HTTP.
 * Thrown, so that a refusal inside a transaction rolls it back.
 */
public abstract sealed class WebhookRefusal extends RuntimeException {

    WebhookRefusal(String message) {
        super(message, null, false, false);
    }

    /** No such endpoint for this partner (another partner's ids do not leak). */
    public static final class UnknownEndpoint extends WebhookRefusal {
        final UUID id;

        UnknownEndpoint(UUID id) {
            super("Webhook endpoint " + id);
            this.id = id;
        }
    }

    /** No such delivery of this endpoint. */
    public static final class UnknownDelivery extends WebhookRefusal {
        final UUID id;

        UnknownDelivery(UUID id) {
            super("Delivery " + id);
            this.id = id;
        }
    }

    /** Nothing is sent to a disabled endpoint: no test event, no replay. */
    public static final class EndpointDisabled extends WebhookRefusal {
        EndpointDisabled() {
            super("endpoint disabled");
        }
    }

    /** The partner has the most endpoints allowed. */
    public static final class EndpointLimit extends WebhookRefusal {
        final int max;

        EndpointLimit(int max) {
            super("endpoint limit " + max);
            this.max = max;
        }
    }

    /** The delivery is being sent right now: it cannot be retried meanwhile. */
    public static final class DeliveryInFlight extends WebhookRefusal {
        DeliveryInFlight() {
            super("delivery in flight");
        }
    }

    /** Another replay of the endpoint is running. */
    public static final class ReplayRunning extends WebhookRefusal {
        ReplayRunning() {
            super("replay running");
        }
    }

    /** Invalid fields; {@code detail} sums them up. */
    public static final class Invalid extends WebhookRefusal {
        final String detail;
        final List<Problem.FieldError> errors;

        private Invalid(String detail, List<Problem.FieldError> errors) {
            super(detail);
            this.detail = detail;
            this.errors = List.copyOf(errors);
        }

        static Invalid of(List<Problem.FieldError> errors) {
            return new Invalid(errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                    : errors.size() + " fields are invalid", errors);
        }

        static Invalid field(String field, String message) {
            return new Invalid(message, List.of(new Problem.FieldError(field, message)));
        }
    }
}
