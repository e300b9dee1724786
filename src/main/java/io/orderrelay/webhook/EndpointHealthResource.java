package io.orderrelay.webhook;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.orderrelay.security.Caller;
import io.orderrelay.security.Scopes;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/partners/{partner_id}/webhook-endpoints/{id}/health} (docs/webhooks.md). */
@Path("/v1/partners/{partner_id}/webhook-endpoints/{id}/health")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Scopes.WEBHOOKS_MANAGE)
@SecurityRequirement(name = "apiKey", scopes = Scopes.WEBHOOKS_MANAGE)
@Tag(name = "webhooks")
public class EndpointHealthResource {

    private final EndpointHealth health;
    private final Caller caller;

    public EndpointHealthResource(EndpointHealth health, Caller caller) {
        this.health = health;
        this.caller = caller;
    }

    @GET
    @Operation(operationId = "getWebhookEndpointHealth", summary = "The endpoint's health from its attempt log",
            description = "Success rates over the last hour and day (a 2xx answer succeeds), the last success, the last "
                    + "failure with its answer excerpt, the deliveries in line, and the disabled state with its reason.")
    @APIResponse(responseCode = "200", description = "The endpoint's health",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = EndpointHealth.Health.class)))
    public EndpointHealth.Health get(@PathParam("partner_id") String partnerId, @PathParam("id") UUID id) {
        caller.requirePartnerInPath(partnerId);
        return health.of(partnerId, id);
    }
}
