package io.orderrelay.webhook;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.security.Authenticated;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/event-types}: what an endpoint may subscribe to (any valid key: a contract is no secret). */
@Path("/v1/event-types")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "webhooks")
public class EventTypeResource {

    private final EventTypeCatalog catalog;

    public EventTypeResource(EventTypeCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Operation(operationId = "listEventTypes", summary = "The event types, each with its JSON Schema and an example")
    @APIResponse(responseCode = "200", description = "Every type an endpoint's event_types may name",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = EventTypeCatalog.EventTypeList.class)))
    public EventTypeCatalog.EventTypeList list() {
        return catalog.all();
    }
}
