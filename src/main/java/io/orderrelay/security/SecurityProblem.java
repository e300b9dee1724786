package io.orderrelay.security;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * RFC 9457 problem body for the answers of this package (same shape and type URIs as io.orderrelay.problem.Problem;
 * kept local so the security package does not depend on it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecurityProblem(URI type, String title, int status, String detail, String instance,
        List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://order-relay.io/problems/";

    public static SecurityProblem of(int status, String slug, String title, String detail, String instance) {
        return new SecurityProblem(URI.create(TYPE_BASE + slug), title, status, detail, instance, null);
    }

    public SecurityProblem withErrors(List<FieldError> fieldErrors) {
        return new SecurityProblem(type, title, status, detail, instance, fieldErrors);
    }

    public record FieldError(String field, String message) {
    }

    static SecurityProblem unauthorized(String detail, String instance) {
        return of(401, "unauthorized", "Unauthorized", detail, instance);
    }

    static SecurityProblem forbidden(String detail, String instance) {
        return of(403, "forbidden", "Forbidden", detail, instance);
    }

    static SecurityProblem tooManyRequests(String detail, String instance) {
        return of(429, "rate-limited", "Too many requests", detail, instance);
    }
}
