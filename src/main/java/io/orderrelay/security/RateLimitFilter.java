package io.orderrelay.security;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import io.quarkus.logging.Log;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** 429 problem+json with Retry-After when a key exceeds its rate on /v1. Runs after authentication. */
public class RateLimitFilter {

    private final RateLimiter limiter;

    public RateLimitFilter(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @ServerRequestFilter
    public Response limit(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!ApiKeyAuthenticationMechanism.protectedPath(path) || request.getSecurityContext().getUserPrincipal() == null) {
            return null;
        }
        String keyId = request.getSecurityContext().getUserPrincipal().getName();
        long retryAfter = limiter.tryAcquire(keyId);
        if (retryAfter == 0) {
            return null;
        }
        Log.debugf("API key %s is over its rate limit", keyId);
        return Response.fromResponse(SecurityProblemMappers.answer(SecurityProblem.tooManyRequests(
                        "Too many requests for this API key; retry after " + retryAfter + " s", path)))
                .header(HttpHeaders.RETRY_AFTER, retryAfter)
                .build();
    }
}
