package io.orderrelay.contract;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.orderrelay.security.Scopes;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Test-only /v1 resource whose answer drifts from what it documents: the conformance filter must catch it. */
@Path("/v1/test-drift")
@Produces(MediaType.APPLICATION_JSON)
public class DriftingResource {

    public record Documented(String name, int count) {
    }

    @GET
    @RolesAllowed(Scopes.ORDERS_READ)
    @APIResponse(responseCode = "200", description = "Documented as name (string) and count (integer)",
            content = @Content(schema = @Schema(implementation = Documented.class)))
    public Response get() {
        return Response.ok(Map.of("name", "drift", "count", "not a number")).build();
    }
}
