package io.orderrelay.problem;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** RFC 9457 problem details, with the extensions of docs/api.md ("Errors"). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        URI type,
        String title,
        int status,
        String detail,
        String instance,
        List<FieldError> errors,
        List<UpstreamProblem> problems,
        UUID orderId,
        String state) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://order-relay.io/problems/";

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(URI.create(TYPE_BASE + slug), title, status, detail, null, null, null, null, null);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, fieldErrors, problems, orderId, state);
    }

    public Problem withProblems(List<UpstreamProblem> upstreamProblems) {
        return new Problem(type, title, status, detail, instance, errors, upstreamProblems, orderId, state);
    }

    public Problem withOrder(UUID id, String orderState) {
        return new Problem(type, title, status, detail, instance, errors, problems, id, orderState);
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors, problems, orderId, state);
    }

    /** One invalid input field, named by its JSON path (e.g. {@code deliveries[0].quantity}). */
    public record FieldError(String field, String message) {
    }

    /** A problem reported by upstream validation, e.g. {@code OUT_OF_STOCK}. */
    public record UpstreamProblem(String code, String details) {
    }
}
