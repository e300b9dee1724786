package io.orderrelay.tracking;

import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

import org.jboss.resteasy.reactive.RestStreamElementType;

import io.orderrelay.order.Order;
import io.orderrelay.order.OrderQueries;
import io.orderrelay.problem.Problem;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.security.Caller;
import io.orderrelay.security.Scopes;
import io.vertx.core.http.HttpServerResponse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/orders/{id}/events}: the order's transitions as Server-Sent Events, from our database only. */
@Path("/v1/orders/{id}/events")
@Tag(name = "orders")
public class OrderEventsResource {

    /** A sequence as we send it in {@code id:}: ASCII digits only (no sign, space or control character). */
    private static final Pattern SEQUENCE = Pattern.compile("[0-9]{1,10}");

    private final OrderQueries queries;
    private final OrderEventFeed feed;
    private final EventStreamSlots slots;
    private final EventStreamConfig config;
    private final Caller caller;

    public OrderEventsResource(OrderQueries queries, OrderEventFeed feed, EventStreamSlots slots,
            EventStreamConfig config, Caller caller) {
        this.queries = queries;
        this.feed = feed;
        this.slots = slots;
        this.config = config;
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
                    + "event: stop and the stream closes. A comment heartbeat every 15 s. A Last-Event-ID that is "
                    + "not a sequence, or is past the order's last one, is a 400 problem. Streams are limited per "
                    + "API key and per replica (429 with Retry-After); a client that stops reading is disconnected, "
                    + "and the streams of a revoked key end.")
    @SecurityRequirement(name = "apiKey", scopes = Scopes.ORDERS_READ)
    @APIResponse(responseCode = "200", description = "The stream: events transition and stop, ids are sequences",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    public void events(@PathParam("id") UUID orderId, @HeaderParam("Last-Event-ID") @Parameter(description = "The last "
            + "sequence received: the stream resumes after it", schema = @Schema(type = SchemaType.STRING,
                    pattern = "^[0-9]{1,10}$")) String lastEventId,
            @Context SseEventSink sink, @Context Sse sse, @Context HttpServerResponse response) {
        int after = lastEventId(lastEventId);
        // a partner-bound key gets 404 for another partner's order: existence does not leak
        Order order = queries.find(orderId).filter(o -> caller.canSee(o.partnerId))
                .orElseThrow(() -> ProblemException.notFound("Order " + orderId));
        if (after > order.sequence) {
            // no client can hold it (ids are committed sequences): waiting for it would leave the stream silent
            throw ProblemException.badRequest("Last-Event-ID",
                    "is past the last transition of this order (" + order.sequence + ")");
        }
        EventStreamSlots.Admission admission = slots.admit(caller.keyId());
        if (admission instanceof EventStreamSlots.Refused refused) {
            String detail = refused.limit() == EventStreamSlots.Limit.KEY
                    ? "This API key already has " + refused.max() + " open event streams on this replica"
                    : "This replica already serves " + refused.max() + " event streams";
            throw new ProblemException(Problem.of(429, "too-many-event-streams", "Too many event streams",
                    detail + "; close one or retry later"), Math.max(1, config.retryAfter().toSeconds()));
        }
        EventStreamSlots.Slot slot = (EventStreamSlots.Slot) admission;
        try {
            feed.open(orderId, after, slot, sink, sse, response);
        } catch (RuntimeException e) {
            slot.release();
            throw e;
        }
    }

    private static int lastEventId(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        if (SEQUENCE.matcher(value).matches()) {
            long sequence = Long.parseLong(value);
            if (sequence <= Integer.MAX_VALUE) {
                return (int) sequence;
            }
        }
        throw ProblemException.badRequest("Last-Event-ID", "must be the sequence of a transition (a whole number)");
    }
}
