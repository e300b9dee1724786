package io.orderrelay.security;

import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code Authorization: Bearer <api key>} on /v1 paths. Elsewhere (/q, /sandbox) the header is ignored, so a
 * stray header can never break a health probe or the sandbox.
 *
 * <p>Runs in the HTTP layer (proactive authentication), before routing and before the body is read: that is what
 * makes "no valid key, 401" hold for unknown paths and malformed bodies too. The challenge is written here as
 * problem+json because the JAX-RS exception mappers never see it.
 *
 * <p>Every rejected key (unknown, revoked, malformed header) counts against the client's address in
 * {@link AuthFailureThrottle}; an address out of allowance gets 429 with Retry-After before its key is checked. A
 * request without any Authorization header is not a failure (nothing was guessed).
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final String BEARER = "Bearer";
    /** Set on the routing context when a key was presented but not accepted, for a more useful 401. */
    private static final String REJECTED = ApiKeyAuthenticationMechanism.class.getName() + ".rejected";
    /** Set (to the seconds to wait) when the client's address has no failed authentications left. */
    private static final String THROTTLED = ApiKeyAuthenticationMechanism.class.getName() + ".throttled";

    private final ObjectMapper json;
    private final AuthFailureThrottle throttle;

    public ApiKeyAuthenticationMechanism(ObjectMapper json, AuthFailureThrottle throttle) {
        this.json = json;
        this.throttle = throttle;
    }

    static boolean protectedPath(String path) {
        return path != null && (path.equals("/v1") || path.startsWith("/v1/"));
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!protectedPath(context.normalizedPath())) {
            return Uni.createFrom().optional(Optional.empty());
        }
        String client = clientKey(context);
        long wait = throttle.blockedFor(client);
        if (wait > 0) {
            // the key is not even looked at: a guesser learns nothing, and the database is spared
            context.put(THROTTLED, wait);
            return Uni.createFrom().failure(new AuthenticationFailedException());
        }
        String header = context.request().getHeader(HttpHeaderNames.AUTHORIZATION);
        if (header == null) {
            return Uni.createFrom().optional(Optional.empty());
        }
        String key = bearerToken(header);
        if (key == null) {
            rejected(context, client);
            return Uni.createFrom().optional(Optional.empty());
        }
        return identityProviderManager
                .authenticate(HttpSecurityUtils.setRoutingContextAttribute(new ApiKeyAuthenticationRequest(key), context))
                .onFailure().invoke(() -> rejected(context, client));
    }

    private void rejected(RoutingContext context, String client) {
        context.put(REJECTED, Boolean.TRUE);
        throttle.failed(client);
    }

    /** The client's address (the forwarded one when the peer is a trusted proxy, see quarkus.http.proxy.*). */
    private static String clientKey(RoutingContext context) {
        SocketAddress remote = context.request().remoteAddress();
        return AuthFailureThrottle.clientKey(remote == null ? null : remote.hostAddress());
    }

    /** The token of a "Bearer <token>" header (scheme case-insensitive), or null. */
    static String bearerToken(String header) {
        if (header.length() <= BEARER.length() + 1 || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                || header.charAt(BEARER.length()) != ' ') {
            return null;
        }
        String token = header.substring(BEARER.length() + 1).trim();
        return token.isEmpty() ? null : token;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        Long wait = context.get(THROTTLED);
        if (wait != null) {
            return Uni.createFrom().item(new ChallengeData(429, HttpHeaderNames.RETRY_AFTER, String.valueOf(wait)));
        }
        return Uni.createFrom().item(new ChallengeData(401, HttpHeaderNames.WWW_AUTHENTICATE, challenge(context)));
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        HttpServerResponse response = context.response();
        if (response.ended()) {
            return Uni.createFrom().item(Boolean.TRUE);
        }
        Long wait = context.get(THROTTLED);
        if (wait != null) {
            response.setStatusCode(429)
                    .putHeader(HttpHeaderNames.RETRY_AFTER, String.valueOf(wait))
                    .putHeader(HttpHeaderNames.CONTENT_TYPE, SecurityProblem.MEDIA_TYPE)
                    .end(body(SecurityProblem.tooManyRequests("Too many failed authentications from this address; "
                            + "retry after " + wait + " s", context.normalizedPath())));
            return Uni.createFrom().item(Boolean.TRUE);
        }
        boolean rejected = Boolean.TRUE.equals(context.get(REJECTED));
        String detail = rejected
                ? "The API key is not valid or has been revoked"
                : "This resource needs an API key: send the header Authorization: Bearer <api key>";
        response.setStatusCode(401)
                .putHeader(HttpHeaderNames.WWW_AUTHENTICATE, challenge(context))
                .putHeader(HttpHeaderNames.CONTENT_TYPE, SecurityProblem.MEDIA_TYPE)
                .end(body(SecurityProblem.unauthorized(detail, context.normalizedPath())));
        return Uni.createFrom().item(Boolean.TRUE);
    }

    private static String challenge(RoutingContext context) {
        // RFC 6750 section 3
        return Boolean.TRUE.equals(context.get(REJECTED))
                ? "Bearer realm=\"order-relay\", error=\"invalid_token\""
                : "Bearer realm=\"order-relay\"";
    }

    private String body(SecurityProblem problem) {
        try {
            return json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem body not serialisable", e);
        }
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, BEARER));
    }
}
