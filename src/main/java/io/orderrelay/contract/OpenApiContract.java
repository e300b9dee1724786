package io.orderrelay.contract;

import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.orderrelay.problem.Problem;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The answers every /v1 operation can give whatever its resource says, added to /q/openapi: the problem+json body
 * (docs/api.md "Errors") and its 400 (bad input: body, parameters), 401 (no or bad key), 403 (scope), 404 (an id in
 * the path), 429 (rate limit, with Retry-After). Additive: a status a resource documents itself is left as it is.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiContract implements OASFilter {

    static final String PROBLEM = "Problem";
    private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(PROBLEM, problemSchema());
        openAPI.getComponents().addHeader("Retry-After", OASFactory.createHeader()
                .description("Seconds to wait before trying again").schema(OASFactory.createSchema()
                        .addType(Schema.SchemaType.INTEGER).minimum(java.math.BigDecimal.ZERO)));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/v1/") && !path.startsWith("/v1/schemas") && !path.startsWith("/v1/asyncapi")) {
                item.getOperations().forEach((method, operation) -> addProblems(path, method, operation));
            }
        });
    }

    private static void addProblems(String path, PathItem.HttpMethod method, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        boolean input = operation.getRequestBody() != null
                || (operation.getParameters() != null && !operation.getParameters().isEmpty()) || path.contains("{");
        if (input) {
            add(responses, "400", "Invalid input: errors[] names each field (problem+json)");
        }
        add(responses, "401", "No API key, or an unknown, revoked or expired one");
        add(responses, "403", "The key lacks the scope of this operation, or is bound to another partner");
        if (path.contains("{")) {
            add(responses, "404", "No such resource (or one of another partner)");
        }
        APIResponse tooMany = add(responses, "429", "Over the key's rate limit; retry after Retry-After seconds");
        if (tooMany != null) {
            tooMany.addHeader("Retry-After", OASFactory.createHeader().ref("Retry-After"));
        }
    }

    private static APIResponse add(APIResponses responses, String status, String description) {
        if (responses.hasAPIResponse(status)) {
            return null;
        }
        APIResponse response = OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF))));
        responses.addAPIResponse(status, response);
        return response;
    }

    /** Problem as serialised (snake_case, nulls left out): RFC 9457 with the extension members of docs/api.md. */
    static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .properties(Map.of("field", string, "message", string)).required(java.util.List.of("field", "message"));
        Schema upstreamProblem = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .properties(Map.of("code", string, "details", string));
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details (application/problem+json) with order-relay's extension members")
                .required(java.util.List.of("type", "title", "status"))
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri")
                        .examples(java.util.List.of("https://order-relay.io/problems/invalid-input")))
                .addProperty("title", string)
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
                .addProperty("detail", string)
                .addProperty("instance", string)
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError)
                        .description("400: one entry per invalid field"))
                .addProperty("problems", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(upstreamProblem)
                        .description("422: the problems upstream reported"))
                .addProperty("order_id", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uuid")
                        .description("The order concerned, when there is one"))
                .addProperty("state", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("That order's state"));
    }
}
