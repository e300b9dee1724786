package io.orderrelay.webhook;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.orderrelay.problem.PageLimit;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.problem.Times;
import io.orderrelay.security.Caller;
import io.orderrelay.security.Scopes;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** /v1/partners/{partner_id}/webhook-endpoints (docs/webhooks.md). */
@Path("/v1/partners/{partner_id}/webhook-endpoints")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Scopes.WEBHOOKS_MANAGE)
@SecurityRequirement(name = "apiKey", scopes = Scopes.WEBHOOKS_MANAGE)
@Tag(name = "webhooks")
public class WebhookEndpointResource {


    private final WebhookEndpoints service;
    private final WebhookTestEvents testEvents;
    private final EndpointDeliveries deliveries;
    private final WebhookReplay replays;
    private final Caller caller;

    public WebhookEndpointResource(WebhookEndpoints service, WebhookTestEvents testEvents, EndpointDeliveries deliveries,
            WebhookReplay replays, Caller caller) {
        this.service = service;
        this.testEvents = testEvents;
        this.deliveries = deliveries;
        this.replays = replays;
        this.caller = caller;
    }

    /** What callers see of an endpoint; {@code secret} only on creation and rotation. */
    public record EndpointAnswer(UUID id, String partnerId, String url, String description, List<String> eventTypes,
            boolean includeSecrets, boolean enabled, String disabledReason, String secret,
            Instant previousSecretExpiresAt, Instant createdAt, Instant updatedAt) {

        static EndpointAnswer of(Endpoint e, String secret) {
            Instant previous = e.previousSecretUntil() != null && e.previousSecretUntil().isAfter(Instant.now())
                    ? e.previousSecretUntil() : null;
            return new EndpointAnswer(e.id(), e.partnerId(), e.url(), e.description(), e.eventTypes(), e.includeSecrets(),
                    e.enabled(), e.disabledReason(), secret, previous, e.createdAt(), e.updatedAt());
        }
    }

    public record AttemptAnswer(Instant at, Integer statusCode, long durationMs, String error, String responseExcerpt) {
    }

    public record DeliveryAnswer(UUID id, UUID eventId, String eventType, UUID orderId, Integer sequence, String status,
            List<AttemptAnswer> attempts, Instant nextAttemptAt) {

        static DeliveryAnswer of(DeliveryStore.Row r) {
            return new DeliveryAnswer(r.id(), r.eventId(), r.eventType(), r.orderId(), r.sequence(), r.status(),
                    r.attempts().stream().map(a -> new AttemptAnswer(a.at(), a.statusCode(), a.durationMs(), a.error(),
                            a.responseExcerpt())).toList(), r.nextAttemptAt());
        }
    }

    public record DeliveryPage(List<DeliveryAnswer> items, String nextCursor) {
    }

    public record EndpointList(List<EndpointAnswer> items) {
    }

    public record ReplayRequest(@Schema(required = true, format = "date-time",
            description = "RFC 3339; at most the replay window (7 days) ago") String since) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a webhook endpoint", description = "Answers the signing secret, shown only here and on "
            + "rotation. include_secrets: true needs the orders:secrets scope too.")
    @APIResponse(responseCode = "201", description = "Registered; secret is shown only here and on rotation",
            headers = @Header(name = "Location", description = "The endpoint's URL", schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EndpointAnswer.class)))
    @APIResponse(responseCode = "409", description = "The partner already has the most endpoints allowed")
    public Response create(@PathParam("partner_id") String partnerId, WebhookEndpoints.Create body) {
        caller.requirePartnerInPath(partnerId);
        if (body == null) {
            throw ProblemException.badRequest("body", "a JSON body is required");
        }
        if (Boolean.TRUE.equals(body.includeSecrets())) {
            // redemption data in webhooks is the same secret as GET /v1/orders/{id}/deliveries
            caller.requireScope(Scopes.ORDERS_SECRETS);
        }
        WebhookEndpoints.Created created = service.create(partnerId, body);
        return Response.created(URI.create("/v1/partners/" + partnerId + "/webhook-endpoints/" + created.endpoint().id()))
                .entity(EndpointAnswer.of(created.endpoint(), created.secret())).build();
    }

    @GET
    @Operation(summary = "The partner's webhook endpoints (without secrets)")
    public EndpointList list(@PathParam("partner_id") String partnerId) {
        caller.requirePartnerInPath(partnerId);
        return new EndpointList(service.list(partnerId).stream().map(e -> EndpointAnswer.of(e, null)).toList());
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One webhook endpoint (without its secret)")
    public EndpointAnswer get(@PathParam("partner_id") String partnerId, @PathParam("id") UUID id) {
        caller.requirePartnerInPath(partnerId);
        return EndpointAnswer.of(service.get(partnerId, id), null);
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change url, description, event_types (null = all) or enabled",
            description = "A JSON Merge Patch (RFC 7396): a left-out field is kept, null clears it. Pointing an "
                    + "include_secrets endpoint elsewhere, or enabling it, needs the orders:secrets scope too.")
    public EndpointAnswer patch(@PathParam("partner_id") String partnerId, @PathParam("id") UUID id,
            EndpointPatch body) {
        caller.requirePartnerInPath(partnerId);
        if (body == null) {
            throw ProblemException.badRequest("body", "a JSON object is required");
        }
        if (body.redirects() && service.get(partnerId, id).includeSecrets()) {
            // pointing an include_secrets endpoint elsewhere (or back on) redirects redemption data
            caller.requireScope(Scopes.ORDERS_SECRETS);
        }
        return EndpointAnswer.of(service.patch(partnerId, id, body), null);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete the endpoint and its delivery log")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response delete(@PathParam("partner_id") String partnerId, @PathParam("id") UUID id) {
        caller.requirePartnerInPath(partnerId);
        service.delete(partnerId, id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Operation(summary = "New signing secret; the old one keeps signing beside it for 24 h")
    public EndpointAnswer rotate(@PathParam("partner_id") String partnerId, @PathParam("id") UUID id) {
        caller.requirePartnerInPath(partnerId);
        WebhookEndpoints.Created rotated = service.rotate(partnerId, id);
        return EndpointAnswer.of(rotated.endpoint(), rotated.secret());
    }

    @POST
    @Path("/{id}/test")
    @Operation(summary = "Send a webhook.test event")
    @APIResponse(responseCode = "202", description = "Queued: the delivery, to follow in the delivery log",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeliveryAnswer.class)))
    @APIResponse(responseCode = "409", description = "The endpoint is disabled")
    public Response test(@PathParam("partner_id") String partnerId, @PathParam("id") UUID id) {
        caller.requirePartnerInPath(partnerId);
        return Response.accepted(DeliveryAnswer.of(testEvents.send(partnerId, id))).build();
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The delivery and attempt log, newest first")
    public DeliveryPage deliveries(@PathParam("partner_id") String partnerId, @PathParam("id") UUID id,
            @QueryParam("status") @Parameter(schema = @Schema(enumeration = { "pending", "succeeded", "failed" })) String status,
            @QueryParam("limit") @Parameter(schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500")) String limit,
            @QueryParam("cursor") String cursor) {
        caller.requirePartnerInPath(partnerId);
        if (status != null && !EndpointDeliveries.STATUSES.contains(status)) {
            throw ProblemException.badRequest("status", "must be pending, succeeded or failed");
        }
        EndpointDeliveries.Page page = deliveries.list(partnerId, id, status, PageLimit.parse(limit), cursor(cursor));
        return new DeliveryPage(page.items().stream().map(DeliveryAnswer::of).toList(), page.nextCursor());
    }

    @POST
    @Path("/{id}/deliveries/{delivery_id}/retry")
    @Operation(summary = "Send a delivery again now, with a fresh retry schedule")
    @APIResponse(responseCode = "202", description = "Queued again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeliveryAnswer.class)))
    @APIResponse(responseCode = "409", description = "The delivery is being sent right now")
    public Response retry(@PathParam("partner_id") String partnerId, @PathParam("id") UUID id,
            @PathParam("delivery_id") UUID deliveryId) {
        caller.requirePartnerInPath(partnerId);
        return Response.accepted(DeliveryAnswer.of(deliveries.retry(partnerId, id, deliveryId))).build();
    }

    @POST
    @Path("/{id}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Queue again every event of the partner's orders since a time")
    @APIResponse(responseCode = "202", description = "Queued: how many, and whether to call again from until",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookReplay.Replayed.class)))
    @APIResponse(responseCode = "409", description = "A replay of this endpoint is running, or the endpoint is disabled")
    public Response replay(@PathParam("partner_id") String partnerId, @PathParam("id") UUID id, ReplayRequest body) {
        caller.requirePartnerInPath(partnerId);
        if (body == null || body.since() == null) {
            throw ProblemException.badRequest("since", "is required: an RFC 3339 time such as 2026-11-25T10:00:00Z");
        }
        return Response.accepted(replays.replay(partnerId, id, Times.parse("since", body.since()))).build();
    }

    /** A page cursor is the id of the last delivery of the previous page. */
    private static UUID cursor(String cursor) {
        try {
            return cursor == null ? null : UUID.fromString(cursor);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor", "is not a cursor this API returned");
        }
    }


}
