package io.orderrelay.security;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Managing API keys (scope {@code admin}). */
@Path("/v1/api-keys")
@RolesAllowed(Scopes.ADMIN)
@SecurityRequirement(name = "apiKey", scopes = Scopes.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "API keys")
public class ApiKeyResource {

    static final int MAX_NAME = 100;

    private final ApiKeyStore store;
    private final Caller caller;

    public ApiKeyResource(ApiKeyStore store, Caller caller) {
        this.store = store;
        this.caller = caller;
    }

    public record CreateApiKey(@Schema(required = true, maxLength = MAX_NAME) String name,
            @Schema(required = true, minItems = 1, description = "orders:read, orders:write, orders:secrets, "
                    + "webhooks:manage, admin") List<String> scopes,
            @Schema(description = "Binds the key to one partner (then it cannot have admin)") String partnerId) {
    }

    /** A key as listed: no key material beyond its display prefix. */
    public record ApiKeyView(UUID id, String name, List<String> scopes, String partnerId, String keyPrefix,
            Instant createdAt, String createdBy, Instant revokedAt) {

        static ApiKeyView of(ApiKey row) {
            return new ApiKeyView(row.id, row.name, row.scopes, row.partnerId, row.keyPrefix, row.createdAt,
                    row.createdBy, row.revokedAt);
        }
    }

    /** The answer to a create: the only time the key is shown. */
    public record NewApiKey(UUID id, String name, List<String> scopes, String partnerId, String key,
            String keyPrefix, Instant createdAt) {
    }

    public record ApiKeyList(List<ApiKeyView> items) {
    }

    @POST
    @Operation(summary = "Create an API key", description = "The key is in this answer only; store it now.")
    @APIResponse(responseCode = "201", description = "Created; key is shown only here",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = NewApiKey.class)))
    public Response create(CreateApiKey body) {
        validate(body);
        ApiKeyStore.Created created = store.create(body.name().trim(), body.scopes(), body.partnerId(), caller.keyId());
        ApiKey row = created.row();
        return Response.created(URI.create("/v1/api-keys/" + row.id))
                .entity(new NewApiKey(row.id, row.name, row.scopes, row.partnerId, created.key(), row.keyPrefix,
                        row.createdAt))
                .build();
    }

    @GET
    @Operation(summary = "List API keys, revoked ones included, newest first")
    public ApiKeyList list() {
        return new ApiKeyList(store.list().stream().map(ApiKeyView::of).toList());
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One API key (no key material beyond its display prefix)")
    public ApiKeyView get(@PathParam("id") UUID id) {
        return store.find(id).map(ApiKeyView::of).orElseThrow(() -> notFound(id));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke an API key", description = "Immediate on this replica, within 30 s on the others.")
    @APIResponse(responseCode = "204", description = "Revoked")
    public Response revoke(@PathParam("id") UUID id) {
        if (!store.revoke(id, caller.keyId())) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    private static void validate(CreateApiKey body) {
        if (body == null) {
            throw invalid(List.of(new SecurityProblem.FieldError("", "a JSON body is required")));
        }
        List<SecurityProblem.FieldError> errors = new ArrayList<>();
        if (body.name() == null || body.name().isBlank()) {
            errors.add(new SecurityProblem.FieldError("name", "must not be blank"));
        } else if (body.name().length() > MAX_NAME) {
            errors.add(new SecurityProblem.FieldError("name", "must be at most " + MAX_NAME + " characters"));
        }
        if (body.scopes() == null || body.scopes().isEmpty()) {
            errors.add(new SecurityProblem.FieldError("scopes", "must list at least one of " + Scopes.ALL));
        } else {
            for (int i = 0; i < body.scopes().size(); i++) {
                if (!Scopes.isKnown(body.scopes().get(i))) {
                    errors.add(new SecurityProblem.FieldError("scopes[" + i + "]",
                            "unknown scope; known scopes are " + Scopes.ALL));
                }
            }
        }
        if (body.partnerId() != null) {
            if (!PartnerId.Syntax.isValid(body.partnerId())) {
                errors.add(new SecurityProblem.FieldError("partner_id", PartnerId.MESSAGE));
            } else if (body.scopes() != null && body.scopes().contains(Scopes.ADMIN)) {
                // an admin key could mint unbound keys: binding it would be meaningless
                errors.add(new SecurityProblem.FieldError("scopes",
                        "a key bound to a partner cannot have the admin scope"));
            }
        }
        if (!errors.isEmpty()) {
            throw invalid(errors);
        }
    }

    private static SecurityProblemException invalid(List<SecurityProblem.FieldError> errors) {
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new SecurityProblemException(
                SecurityProblem.of(400, "invalid-input", "Invalid input", detail, null).withErrors(errors));
    }

    private static SecurityProblemException notFound(@SuppressWarnings("unused") UUID id) {
        return new SecurityProblemException(
                SecurityProblem.of(404, "not-found", "Not found", "No API key has this id", null));
    }
}
