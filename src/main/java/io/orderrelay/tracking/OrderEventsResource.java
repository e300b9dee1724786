package io.orderrelay.tracking;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestStreamElementType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import io.orderrelay.order.OrderQueries;
import io.orderrelay.order.OrderResource;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.security.Caller;
import io.orderrelay.security.Scopes;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/orders/{id}/events}: the order's transitions as Server-Sent Events, from our database only. */
@Path("/v1/orders/{id}/events")
@Tag(name = "orders")
public class OrderEventsResource {

    private final OrderQueries queries;
    private final OrderEventFeed feed;
    private final Caller caller;

    public OrderEventsResource(OrderQueries queries, OrderEventFeed feed, Caller caller) {
        this.queries = queries;
        this.feed = feed;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    // data is the envelope text as stored: written as is, not JSON-encoded again
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    @RolesAllowed(Scopes.ORDERS_READ)
    @Operation(summary = "The order's transitions as Server-Sent Events",
            description = "Each transition as id: <sequence>, event: transition, data: <CloudEvents envelope>. Without "
                    + "Last-Event-ID from sequence 1, with it only later ones; then live ones; after a terminal state "
                    + "event: stop and the stream closes. A comment heartbeat every 15 s.")
    public void events(@PathParam("id") String id, @HeaderParam("Last-Event-ID") String lastEventId,
            @Context SseEventSink sink, @Context Sse sse) {
        UUID orderId = OrderResource.uuid(id);
        int after = lastEventId(lastEventId);
        // a partner-bound key gets 404 for another partner's order: existence does not leak
        queries.find(orderId).filter(o -> caller.canSee(o.partnerId))
                .orElseThrow(() -> ProblemException.notFound("Order " + orderId));
        feed.open(orderId, after, sink, sse);
    }


    private static int lastEventId(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int sequence = Integer.parseInt(value.trim());
            if (sequence >= 0) {
                return sequence;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.badRequest("Last-Event-ID", "must be the sequence of a transition (a whole number)");
    }
}
