package io.orderrelay.operations;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.orderrelay.security.Scopes;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/admin/status} (scope {@code admin}): the figures of the console's Operations page, read-only. */
@Path("/v1/admin/status")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Scopes.ADMIN)
@SecurityRequirement(name = "apiKey", scopes = Scopes.ADMIN)
@Tag(name = "admin")
public class OperationsResource {

    private final OperationsFigures figures;

    public OperationsResource(OperationsFigures figures) {
        this.figures = figures;
    }

    @GET
    @Operation(operationId = "getOperationsStatus", summary = "Tracking, outbox and upstream figures",
            description = "Open and unfollowed orders, the lease owners and the outbox come from the database (the same "
                    + "on every replica); streams, polling, reconnects, circuit states and catalogue freshness are those "
                    + "of the replica that answers.")
    @APIResponse(responseCode = "200", description = "The figures, read now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = OperationsStatus.class)))
    public OperationsStatus status() {
        return figures.read();
    }
}
