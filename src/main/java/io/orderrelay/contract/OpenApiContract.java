package io.orderrelay.contract;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

import io.orderrelay.problem.Problem;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * What every /v1 operation shares, added to /q/openapi so that resources only document what is theirs:
 * <ul>
 * <li>the problem+json body (docs/api.md "Errors") on every 4xx and 5xx answer that documents no body of its own, and
 * the answers any operation can give: 400 (bad input), 401 (no or bad key), 403 (scope), 404 (an id in the path), 406
 * (Accept), 429 (rate limit), and 413/415 for operations that take a body;</li>
 * <li>Retry-After on every 429 and 503;</li>
 * <li>the scopes of an operation: resources name them in {@code @SecurityRequirement(name = "apiKey", scopes = ...)};
 * OpenAPI 3.0 allows scopes only for OAuth2 schemes, so they move to {@code x-required-scopes} and the description.</li>
 * </ul>
 * Additive: a status a resource documents itself keeps its description.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class OpenApiContract implements OASFilter {

    static final String PROBLEM = "Problem";
    static final String SECURITY_SCHEME = "apiKey";
    private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;
    private static final String RETRY_AFTER = "Retry-After";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(PROBLEM, problemSchema());
        openAPI.getComponents().addHeader(RETRY_AFTER, OASFactory.createHeader()
                .description("Seconds to wait before trying again").schema(OASFactory.createSchema()
                        .addType(Schema.SchemaType.INTEGER).minimum(BigDecimal.ZERO)));
        openAPI.getComponents().addHeader("Idempotent-Replayed", OASFactory.createHeader()
                .description("true when this is the stored answer to an earlier request with the same Idempotency-Key")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).enumeration(List.of("true"))));
        openAPI.getComponents().addHeader("X-Catalog-Stale", OASFactory.createHeader()
                .description("true when upstream is failing and this is an older cached answer")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).enumeration(List.of("true"))));
        openAPI.getComponents().addHeader("X-Catalog-Fetched-At", OASFactory.createHeader()
                .description("When the relay fetched this answer from upstream").required(true)
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("date-time")));
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/v1/") && !path.startsWith("/v1/schemas") && !path.startsWith("/v1/asyncapi")) {
                item.getOperations().forEach((method, operation) -> {
                    addProblems(path, operation);
                    moveScopes(operation);
                });
            }
        });
    }

    private static void addProblems(String path, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        boolean body = operation.getRequestBody() != null;
        boolean input = body || (operation.getParameters() != null && !operation.getParameters().isEmpty())
                || path.contains("{");
        if (input) {
            add(responses, "400", "Invalid input: errors[] names each field");
        }
        add(responses, "401", "No API key, or an unknown, revoked or expired one");
        add(responses, "403", "The key lacks the scope of this operation, or is bound to another partner");
        if (path.contains("{")) {
            add(responses, "404", "No such resource (or one of another partner)");
        }
        add(responses, "406", "The request's Accept excludes what this operation answers");
        if (body) {
            add(responses, "413", "The body is larger than 64 KiB");
            add(responses, "415", "The body is not application/json");
        }
        add(responses, "429", "Over the key's rate limit; retry after Retry-After seconds");
        responses.getAPIResponses().forEach((status, response) -> {
            if (status.startsWith("4") || status.startsWith("5")) {
                if (response.getContent() == null || response.getContent().getMediaTypes().isEmpty()) {
                    response.content(problemContent());
                }
                if ((status.equals("429") || status.equals("503"))
                        && (response.getHeaders() == null || !response.getHeaders().containsKey(RETRY_AFTER))) {
                    response.addHeader(RETRY_AFTER, OASFactory.createHeader().ref(RETRY_AFTER));
                }
            }
        });
    }

    private static void add(APIResponses responses, String status, String description) {
        APIResponse existing = responses.getAPIResponse(status);
        if (existing == null) {
            responses.addAPIResponse(status, OASFactory.createAPIResponse().description(description));
        } else if (existing.getContent() == null) {
            // SmallRye's own 400/401/403 say only "Bad Request", "Not Authorized"...
            existing.description(description);
        }
    }

    private static org.eclipse.microprofile.openapi.models.media.Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }

    /** OpenAPI 3.0: "for other security scheme types [than OAuth2], the array MUST be empty". */
    private static void moveScopes(Operation operation) {
        if (operation.getSecurity() == null) {
            return;
        }
        List<String> scopes = new ArrayList<>();
        List<SecurityRequirement> requirements = new ArrayList<>();
        for (SecurityRequirement requirement : operation.getSecurity()) {
            SecurityRequirement emptied = OASFactory.createSecurityRequirement();
            requirement.getSchemes().forEach((scheme, named) -> {
                if (named != null) {
                    named.stream().filter(s -> !scopes.contains(s)).forEach(scopes::add);
                }
                emptied.addScheme(scheme);
            });
            requirements.add(emptied);
        }
        operation.setSecurity(requirements);
        if (!scopes.isEmpty()) {
            operation.addExtension("x-required-scopes", scopes);
            String scopeLine = "Scope: " + String.join(" or ", scopes.stream().map(s -> "`" + s + "`").toList()) + ".";
            operation.description(operation.getDescription() == null ? scopeLine
                    : operation.getDescription() + "\n\n" + scopeLine);
        }
    }

    /** Problem as serialised (snake_case, nulls left out): RFC 9457 with the extension members of docs/api.md. */
    static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .properties(Map.of("field", string, "message", string)).required(List.of("field", "message"));
        Schema upstreamProblem = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .properties(Map.of("code", string, "details", string));
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("RFC 9457 problem details (application/problem+json) with order-relay's extension members")
                .required(List.of("type", "title", "status"))
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri"))
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
                        .description("That order's state"))
                .example(Map.of("type", "https://order-relay.io/problems/invalid-input", "title", "Invalid input",
                        "status", 400, "detail", "deliveries[0].quantity: must be less than or equal to 100",
                        "instance", "/v1/orders", "errors", List.of(Map.of("field", "deliveries[0].quantity",
                                "message", "must be less than or equal to 100"))));
    }
}
