package io.orderrelay.security;

import java.util.Optional;

import jakarta.enterprise.context.RequestScoped;

import io.orderrelay.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * The API key behind the current request, for business code: audit logs ({@link #keyId()}), partner scoping
 * ({@link #boundPartner()}, {@link #canSee}, {@link #requirePartner}, {@link #requirePartnerInPath}) and scope checks
 * beyond @RolesAllowed.
 */
@RequestScoped
public class Caller {

    private final SecurityIdentity identity;

    public Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The key's id (a UUID, or {@code bootstrap}), safe to log; null when nobody is authenticated. */
    public String keyId() {
        return identity.isAnonymous() ? null : identity.getAttribute(ApiKeyIdentityProvider.KEY_ID);
    }

    /** The partner this key is bound to; empty for an unbound key, which sees every partner. */
    public Optional<String> boundPartner() {
        return Optional.ofNullable(identity.getAttribute(ApiKeyIdentityProvider.PARTNER_ID));
    }

    /** Whether this key may see data of {@code partnerId}. */
    public boolean canSee(String partnerId) {
        return !identity.isAnonymous() && boundPartner().map(bound -> bound.equals(partnerId)).orElse(true);
    }

    public boolean hasScope(String scope) {
        return identity.hasRole(scope);
    }

    /** 403 problem unless this key may act for {@code partnerId}. */
    public void requirePartner(String partnerId) {
        if (!canSee(partnerId)) {
            throw new SecurityProblemException(SecurityProblem.forbidden(
                    "This API key is bound to another partner", null));
        }
    }

    /**
     * A partner named in the request's path ({@code /v1/partners/{partner_id}/...}): 400 problem when it is no partner
     * id, 404 when this key is bound to another partner, whose data does not exist for it.
     */
    public void requirePartnerInPath(String partnerId) {
        if (!PartnerId.Syntax.isValid(partnerId)) {
            throw ProblemException.badRequest("partner_id", PartnerId.MESSAGE);
        }
        if (!canSee(partnerId)) {
            throw ProblemException.notFound("Partner " + partnerId);
        }
    }

    /**
     * The partner a request acts for: the requested one (checked with {@link #requirePartner}), or the bound one
     * when none is requested; empty when neither (an unbound key listing across partners).
     */
    public Optional<String> effectivePartner(String requested) {
        if (requested != null) {
            requirePartner(requested);
            return Optional.of(requested);
        }
        return boundPartner();
    }

    /** 403 problem unless the key has {@code scope}; for checks that depend on the request's content. */
    public void requireScope(String scope) {
        if (!hasScope(scope)) {
            throw new SecurityProblemException(SecurityProblem.forbidden(
                    "This API key lacks the scope " + scope, null));
        }
    }
}
