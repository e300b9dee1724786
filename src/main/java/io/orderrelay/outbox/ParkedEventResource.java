package io.orderrelay.outbox;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.orderrelay.problem.PageLimit;
import io.orderrelay.problem.Problem;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.security.Caller;
import io.orderrelay.security.Scopes;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** /v1/admin/outbox/parked: outbox events Kafka refused for good (scope {@code admin}). */
@Path("/v1/admin/outbox/parked")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Scopes.ADMIN)
@SecurityRequirement(name = "apiKey", scopes = Scopes.ADMIN)
@Tag(name = "admin")
public class ParkedEventResource {

    private final ParkedEvents parked;
    private final Caller caller;

    public ParkedEventResource(ParkedEvents parked, Caller caller) {
        this.parked = parked;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Parked outbox events, oldest first",
            description = "Events Kafka refused for good (e.g. larger than the topic accepts). Each holds back only its "
                    + "own order's later events. `total` counts them all; `limit` 1-500, default 50.")
    public ParkedEvents.Page list(@QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1",
            maximum = "500")) String limit) {
        return parked.list(PageLimit.parse(limit));
    }

    @POST
    @Path("/{id}/retry")
    @Operation(summary = "Put a parked event back in line (audited)",
            description = "202: the relay sends it again, and parks it again if Kafka still refuses it.")
    @APIResponse(responseCode = "202", description = "Back in line",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ParkedEvents.Settled.class)))
    @APIResponse(responseCode = "409", description = "The event is not parked")
    public Response retry(@PathParam("id") UUID eventId) {
        return Response.accepted(settled(eventId, parked.retry(eventId, caller.keyId()))).build();
    }

    @POST
    @Path("/{id}/skip")
    @Operation(summary = "Give up on a parked event (audited)",
            description = "It is never published; its order's later events are published.")
    @APIResponse(responseCode = "200", description = "Skipped",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ParkedEvents.Settled.class)))
    @APIResponse(responseCode = "409", description = "The event is not parked")
    public ParkedEvents.Settled skip(@PathParam("id") UUID eventId) {
        return settled(eventId, parked.skip(eventId, caller.keyId()));
    }

    private static ParkedEvents.Settled settled(UUID id, ParkedEvents.Outcome outcome) {
        if (outcome instanceof ParkedEvents.Settled settled) {
            return settled;
        }
        if (outcome instanceof ParkedEvents.NotParked notParked) {
            throw new ProblemException(Problem.of(409, "not-parked", "Conflict",
                    "Outbox event " + id + " is not parked: it is " + notParked.status()));
        }
        throw ProblemException.notFound("Outbox event " + id);
    }
}
