package io.orderrelay.webhook;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.orderrelay.problem.Problem;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.problem.ProblemMappers;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The HTTP answer to each {@link WebhookRefusal}: status and problem body. */
public class WebhookProblems {

    @ServerExceptionMapper
    public Response refused(WebhookRefusal e, UriInfo uri) {
        return ProblemMappers.answer(problem(e), uri).build();
    }

    static Problem problem(WebhookRefusal e) {
        if (e instanceof WebhookRefusal.UnknownEndpoint u) {
            return notFound("Webhook endpoint " + u.id);
        }
        if (e instanceof WebhookRefusal.UnknownDelivery u) {
            return notFound("Delivery " + u.id);
        }
        if (e instanceof WebhookRefusal.EndpointDisabled) {
            return conflict("The endpoint is disabled: enable it first (PATCH enabled: true)");
        }
        if (e instanceof WebhookRefusal.EndpointLimit limit) {
            return Problem.of(409, "webhook-endpoint-limit", "Too many webhook endpoints",
                    "A partner may have at most " + limit.max + " webhook endpoints (disabled ones included); delete one "
                            + "before adding another");
        }
        if (e instanceof WebhookRefusal.DeliveryInFlight) {
            return conflict("The delivery is being sent right now");
        }
        if (e instanceof WebhookRefusal.ReplayRunning) {
            return Problem.of(409, "replay-running", "Replay running",
                    "A replay of this endpoint is running; call again when it has answered");
        }
        WebhookRefusal.Invalid invalid = (WebhookRefusal.Invalid) e;
        return Problem.of(400, "invalid-input", "Invalid input", invalid.detail).withErrors(invalid.errors);
    }

    private static Problem notFound(String what) {
        return ProblemException.notFound(what).problem();
    }

    private static Problem conflict(String detail) {
        return ProblemException.conflict(detail).problem();
    }
}
