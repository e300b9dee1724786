package io.orderrelay.security;

import java.util.List;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /v1/me}: what the calling key may do (any valid key, no scope needed), so that a client such as the
 * console can offer only what the key grants instead of discovering it by failing calls.
 */
@Path("/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "API keys")
public class MeResource {

    private final SecurityIdentity identity;

    public MeResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** {@code partner_id} is absent for an unbound key; scopes in the stable order of {@link Scopes#ALL}. */
    public record Me(String keyId, String name, List<String> scopes, String partnerId) {
    }

    @GET
    @Operation(summary = "The calling key: id, name, scopes and partner binding (never the key itself)")
    public Me me() {
        List<String> scopes = Scopes.ALL.stream().filter(identity::hasRole).toList();
        return new Me(identity.getAttribute(ApiKeyIdentityProvider.KEY_ID),
                identity.getAttribute(ApiKeyIdentityProvider.KEY_NAME), scopes,
                identity.getAttribute(ApiKeyIdentityProvider.PARTNER_ID));
    }
}
