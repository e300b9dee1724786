package io.orderrelay.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.restassured.RestAssured;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;

/**
 * Every exchange a test has with the application's API through RestAssured is held to the document the application
 * serves at /q/openapi (swagger-request-validator), so the document cannot drift from the code. Installed once for
 * every @QuarkusTest by {@link OpenApiConformanceCallback}.
 * <ul>
 * <li>Every response of a /v1 operation must be documented: its status, content type, headers and body schema.</li>
 * <li>A request the application accepted (2xx) must be one the document allows: the document may not refuse what
 * the code takes. Requests the application refused are often wrong on purpose (the hostile-input tests), so only
 * their answers are checked.</li>
 * <li>Anything else is not the API and is let through: /q/*, the console, the sandbox, the contract files under
 * /v1/asyncapi.yaml and /v1/schemas/, and any other host or port (WireMock, receivers).</li>
 * </ul>
 */
public final class OpenApiConformance implements OrderedFilter {

    public static final OpenApiConformance INSTANCE = new OpenApiConformance();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** problem.InputProbe: test-only resources, hidden from the document on purpose. */
    private static final String HIDDEN_PROBES = "/v1/test-input/";

    private volatile boolean documentMayHaveChanged = true;
    private String document;
    private OpenApiInteractionValidator validator;

    private OpenApiConformance() {
    }

    /**
     * A test starts: the application may be another one (another test profile), so the document is read again, and
     * parsed if it changed, now rather than during the test (parsing takes a while; some tests race retry timers).
     */
    void testStarts() {
        documentMayHaveChanged = true;
        try {
            validator(URI.create(RestAssured.baseURI + ":" + RestAssured.port));
        } catch (AssertionError | RuntimeException e) {
            // no application at that address (yet): the first exchange of the test reads the document
            documentMayHaveChanged = true;
        }
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
            FilterContext context) {
        Response response = context.next(request, responseSpec);
        URI uri = URI.create(request.getURI());
        if (!isApi(uri, request.getPort())) {
            return response;
        }
        List<String> problems = problems(validator(uri), RestAssuredRequest.of(request),
                RestAssuredResponse.of(response));
        if (!problems.isEmpty()) {
            throw new AssertionError(request.getMethod() + " " + uri.getPath() + " answered " + response.statusCode()
                    + ", which /q/openapi does not describe:\n  " + String.join("\n  ", problems)
                    + "\nResponse body: " + response.asString());
        }
        return response;
    }

    /**
     * What is wrong with this exchange against the document (empty when it conforms): the rules of the class comment.
     */
    public static List<String> problems(OpenApiInteractionValidator validator, Request request,
            com.atlassian.oai.validator.model.Response response) {
        ValidationReport report = response.getStatus() / 100 == 2 ? validator.validate(request, response)
                : validator.validateResponse(request.getPath(), request.getMethod(), response);
        return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .filter(m -> !outsideTheDocumentAsItSays(m.getKey(), request, response.getStatus()))
                .filter(m -> !caseInsensitiveScheme(m.getKey(), request))
                .map(m -> m.getKey() + ": " + m.getMessage()
                        + m.getNestedMessages().stream().map(n -> "\n      " + n).collect(Collectors.joining()))
                .toList();
    }

    /**
     * A path or method the document does not have, answered as the document implies: 404 or 405, or 401 (the key is
     * checked before routing, so that paths do not leak). Also the test-only probes hidden from the document.
     */
    private static boolean outsideTheDocumentAsItSays(String key, Request request, int status) {
        return (key.equals("validation.request.path.missing") || key.equals("validation.request.operation.notAllowed"))
                && (status == 401 || status == 404 || status == 405 || request.getPath().startsWith(HIDDEN_PROBES));
    }

    /** RFC 9110 §11.1: the auth scheme is case-insensitive, which the validator does not know ("bearer" is fine). */
    private static boolean caseInsensitiveScheme(String key, Request request) {
        return key.equals("validation.request.security.invalid")
                && request.getHeaderValues("Authorization").stream().allMatch(v -> v.regionMatches(true, 0, "Bearer ", 0, 7));
    }

    static boolean isApi(URI uri, int port) {
        String path = uri.getPath();
        return port == RestAssured.port
                && ("localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost()))
                && path.startsWith("/v1/") && !path.startsWith("/v1/schemas/") && !path.equals("/v1/asyncapi.yaml");
    }

    private synchronized OpenApiInteractionValidator validator(URI api) {
        if (documentMayHaveChanged || validator == null) {
            String served = fetch(URI.create(api.getScheme() + "://" + api.getAuthority() + "/q/openapi?format=json"));
            if (!served.equals(document)) {
                validator = forDocument(served);
                document = served;
            }
            documentMayHaveChanged = false;
        }
        return validator;
    }

    /** A validator of exchanges against this OpenAPI document (JSON or YAML). */
    public static OpenApiInteractionValidator forDocument(String openApi) {
        return OpenApiInteractionValidator.createForInlineApiSpecification(openApi).build();
    }

    private static String fetch(URI uri) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(uri).header("Accept", "application/json")
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new AssertionError(uri + " answered " + answer.statusCode());
            }
            return answer.body();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted reading " + uri, e);
        }
    }

    @Override
    public int getOrder() {
        // closest to the wire: what is validated is what was sent and received
        return OrderedFilter.LOWEST_PRECEDENCE;
    }
}
