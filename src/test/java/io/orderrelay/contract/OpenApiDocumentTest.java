package io.orderrelay.contract;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.quarkus.test.junit.QuarkusTest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;

/** /q/openapi passes an independent parser (swagger-parser) and holds what docs/api.md promises of every operation. */
@QuarkusTest
class OpenApiDocumentTest {

    @Test
    void theServedDocumentIsValidOpenApi() throws Exception {
        SwaggerParseResult result = parse();

        assertEquals(List.of(), result.getMessages());
        assertTrue(result.getOpenAPI().getPaths().containsKey("/v1/orders"));
    }

    @Test
    void everyOperationHasAnIdAndAProblemAnswerForBadRequestsAndEveryProtectedOneASecurityRequirement() throws Exception {
        OpenAPI api = parse().getOpenAPI();
        List<String> wrong = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String name = method + " " + path;
            if (op.getOperationId() == null || !ids.add(op.getOperationId())) {
                wrong.add(name + ": no operationId, or not unique");
            }
            if (!hasProblem4xx(op)) {
                wrong.add(name + ": no 4xx answer with the problem+json schema");
            }
            boolean open = path.startsWith("/v1/schemas") || path.startsWith("/v1/asyncapi");
            if (path.startsWith("/v1/") && !open && (op.getSecurity() == null || op.getSecurity().isEmpty())
                    && (api.getSecurity() == null || api.getSecurity().isEmpty())) {
                wrong.add(name + ": no security requirement");
            }
        }));

        assertEquals(List.of(), wrong);
    }

    @Test
    void everyOperationDocumentsItsSuccessBodyAndEveryScopedOneItsScopes() throws Exception {
        OpenAPI api = parse().getOpenAPI();
        List<String> wrong = new ArrayList<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String name = method + " " + path;
            List<String> successes = op.getResponses().keySet().stream().filter(s -> s.startsWith("2")).toList();
            if (successes.isEmpty()) {
                wrong.add(name + ": no 2xx answer");
            }
            for (String status : successes) {
                ApiResponse success = op.getResponses().get(status);
                boolean typed = success.getContent() != null && !success.getContent().isEmpty()
                        && success.getContent().values().stream().allMatch(m -> m.getSchema() != null
                                && (m.getSchema().get$ref() != null || m.getSchema().getType() != null
                                        || m.getSchema().getDescription() != null));
                if (!status.equals("204") && !typed) {
                    wrong.add(name + ": " + status + " documents no body schema");
                }
            }
            // /v1/me and /v1/event-types need a key but no scope; test-only resources (/v1/test-...) document none
            boolean scoped = path.startsWith("/v1/") && !path.startsWith("/v1/schemas") && !path.startsWith("/v1/asyncapi")
                    && !path.equals("/v1/me") && !path.equals("/v1/event-types") && !path.startsWith("/v1/test-");
            if (scoped && (op.getExtensions() == null || op.getExtensions().get("x-required-scopes") == null)) {
                wrong.add(name + ": no x-required-scopes");
            }
        }));

        assertEquals(List.of(), wrong);
    }

    private static boolean hasProblem4xx(Operation op) {
        for (var entry : op.getResponses().entrySet()) {
            ApiResponse response = entry.getValue();
            if (entry.getKey().startsWith("4") && response.getContent() != null) {
                MediaType problem = response.getContent().get("application/problem+json");
                if (problem != null && problem.getSchema() != null
                        && "#/components/schemas/Problem".equals(problem.getSchema().get$ref())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static SwaggerParseResult parse() throws Exception {
        String document = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().asString();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/openapi.json"), document); // for a look by hand
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIV3Parser().readContents(document, null, options);
    }
}
