package io.orderrelay.security;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** problem+json for the security failures that reach JAX-RS (scope checks of @RolesAllowed, our own). */
public class SecurityProblemMappers {

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return answer(SecurityProblem.forbidden("This API key lacks the scope this operation needs", uri.getPath()));
    }

    /** Only reachable outside /v1 (on /v1 the HTTP layer answers first), kept for completeness. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return Response.fromResponse(answer(SecurityProblem.unauthorized(
                "This resource needs an API key: send the header Authorization: Bearer <api key>", uri.getPath())))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"order-relay\"")
                .build();
    }

    @ServerExceptionMapper
    public Response problem(SecurityProblemException e, UriInfo uri) {
        SecurityProblem problem = e.problem();
        if (problem.instance() == null) {
            problem = new SecurityProblem(problem.type(), problem.title(), problem.status(), problem.detail(),
                    uri.getPath(), problem.errors());
        }
        return answer(problem);
    }

    static Response answer(SecurityProblem problem) {
        return Response.status(problem.status()).type(SecurityProblem.MEDIA_TYPE).entity(problem).build();
    }
}
