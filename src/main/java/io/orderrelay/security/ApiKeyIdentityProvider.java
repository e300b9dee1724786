package io.orderrelay.security;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.config.RelayConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/** Turns a presented API key into a SecurityIdentity: principal = key id, roles = scopes. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    static final String KEY_ID = "key_id";
    static final String KEY_NAME = "key_name";
    static final String PARTNER_ID = "partner_id";

    private final ApiKeyStore store;
    private final String bootstrapKey;

    public ApiKeyIdentityProvider(ApiKeyStore store, RelayConfig config) {
        this.store = store;
        this.bootstrapKey = config.bootstrapAdminKey();
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        String key = request.key();
        if (!bootstrapKey.isBlank() && ApiKeyMaterial.sameKey(key, bootstrapKey)) {
            return Uni.createFrom().item(identity(AuthenticatedKey.bootstrap()));
        }
        if (!key.startsWith(ApiKeyMaterial.PREFIX)) {
            // not one of ours: no need to ask the database (or fill the cache with garbage)
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        String hash = ApiKeyMaterial.hash(key);
        return context.runBlocking(() -> {
            AuthenticatedKey found = store.findActive(hash);
            if (found == null) {
                // no message: exceptions may be logged, and nothing about the key belongs there
                throw new AuthenticationFailedException();
            }
            return identity(found);
        });
    }

    private static SecurityIdentity identity(AuthenticatedKey key) {
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(key.keyId()))
                .addRoles(key.scopes())
                .addAttribute(KEY_ID, key.keyId())
                .addAttribute(KEY_NAME, key.name());
        if (key.partnerId() != null) {
            builder.addAttribute(PARTNER_ID, key.partnerId());
        }
        return builder.build();
    }
}
