package io.orderrelay.contract;

import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import io.orderrelay.support.Api;
import io.orderrelay.support.OpenApiConformance;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

/** The suite's RestAssured exchanges are held to /q/openapi (support.OpenApiConformance), and drift fails them. */
@QuarkusTest
class OpenApiConformanceTest {

    private static final Request GET_ME = SimpleRequest.Builder.get("/v1/me")
            .withHeader("Authorization", "Bearer " + Api.ADMIN_KEY).build();

    @Test
    void everyRestAssuredRequestGoesThroughTheConformanceFilter() {
        assertTrue(RestAssured.filters().contains(OpenApiConformance.INSTANCE));
    }

    @Test
    void aRealAnswerThatDriftsFromItsDocumentedSchemaFailsTheTestThatReceivedIt() {
        AssertionError drift = assertThrows(AssertionError.class, () -> Api.given().get("/v1/test-drift"));

        assertTrue(drift.getMessage().contains("/v1/test-drift answered 200"), drift.getMessage());
        assertTrue(drift.getMessage().contains("count"), drift.getMessage());
    }

    @Test
    void aHandMadeBodyOfTheWrongShapeIsReported() {
        String wrong = "{\"key_id\": 42, \"name\": \"x\", \"scopes\": \"admin\"}";

        List<String> problems = OpenApiConformance.problems(validator(), GET_ME,
                SimpleResponse.Builder.ok().withContentType("application/json").withBody(wrong).build());

        assertTrue(problems.stream().anyMatch(p -> p.contains("key_id")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("scopes")), problems.toString());
    }

    @Test
    void anUndocumentedStatusIsReported() {
        List<String> problems = OpenApiConformance.problems(validator(), GET_ME,
                SimpleResponse.Builder.status(418).withContentType("application/json").withBody("{}").build());

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("validation.response.status.unknown"), problems.toString());
    }

    @Test
    void theRealAnswerOfTheSameOperationConforms() {
        String body = Api.given().get("/v1/me").then().statusCode(200).body(containsString("scopes")).extract().asString();

        assertEquals(List.of(), OpenApiConformance.problems(validator(), GET_ME,
                SimpleResponse.Builder.ok().withContentType("application/json").withBody(body).build()));
    }

    private static OpenApiInteractionValidator validator() {
        return OpenApiConformance.forDocument(RestAssured.given().accept("application/json")
                .get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }
}
