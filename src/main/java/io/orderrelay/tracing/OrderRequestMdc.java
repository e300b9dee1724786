package io.orderrelay.tracing;

import java.util.UUID;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * {@code order_id} in the MDC of every REST request on one order ({@code /v1/orders/{id}} and below: read, transitions,
 * redemption reveal, resolve, events), so each of its log lines carries it. {@code POST /v1/orders} sets it where the
 * new order's id is minted ({@code OrderPlacement}). A path id that is not a UUID (answered 404) sets nothing.
 */
public class OrderRequestMdc {

    static final String ORDERS = "/v1/orders/";

    // after ParameterGuard (Priorities.USER), which refuses control characters in path parameters first
    @ServerRequestFilter(priority = Priorities.USER + 10)
    public void orderOfThePath(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith(ORDERS)) {
            return;
        }
        String id = request.getUriInfo().getPathParameters().getFirst("id");
        if (id == null) {
            return;
        }
        try {
            OrderMdc.forRequest(UUID.fromString(id));
        } catch (IllegalArgumentException notAnOrderId) {
            // e.g. /v1/orders/validations or a malformed id: no order to name
        }
    }
}
