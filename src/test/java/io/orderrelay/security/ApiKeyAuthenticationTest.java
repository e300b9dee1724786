package io.orderrelay.security;

import static io.orderrelay.security.TestKeys.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ApiKeyAuthenticationTest {

    private static ValidatableResponse assertProblem(ValidatableResponse response, int status, String path) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", startsWith("https://order-relay.io/problems/"))
                .body("title", org.hamcrest.Matchers.notNullValue())
                .body("detail", org.hamcrest.Matchers.notNullValue())
                .body("instance", equalTo(path));
    }

    @Test
    void requestWithoutKeyGets401Problem() {
        assertProblem(given().when().get("/v1/test-scoped").then(), 401, "/v1/test-scoped")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("title", equalTo("Unauthorized"));
    }

    @Test
    void requestWithoutKeyAndMalformedBodyGets401NotA400() {
        assertProblem(given().contentType(ContentType.JSON).body("{\"name\": ")
                .when().post("/v1/test-scoped").then(), 401, "/v1/test-scoped");
    }

    @Test
    void unknownV1PathWithoutKeyGets401NotA404() {
        assertProblem(given().when().get("/v1/no-such-thing").then(), 401, "/v1/no-such-thing");
        assertProblem(given().when().delete("/v1").then(), 401, "/v1");
    }

    @Test
    void unknownOrMalformedKeyGets401WithInvalidToken() {
        for (String header : new String[] {bearer("ork_notARealKeyAtAll0000000000000000000000000"),
                bearer("some-other-token"), "Basic dXNlcjpwYXNz", "Bearer", "Bearer    "}) {
            assertProblem(given().header("Authorization", header).when().get("/v1/test-scoped").then(), 401,
                    "/v1/test-scoped")
                    .header("WWW-Authenticate", containsString("invalid_token"))
                    .body("detail", containsString("not valid"));
        }
    }

    @Test
    void invalidKeyWithMalformedBodyGets401() {
        assertProblem(given().header("Authorization", bearer("ork_wrong")).contentType(ContentType.JSON)
                .body("[[[").when().post("/v1/api-keys").then(), 401, "/v1/api-keys");
    }

    @Test
    void keyWithoutTheScopeGets403Problem() {
        String writer = TestKeys.key("writer only", null, Scopes.ORDERS_WRITE);
        assertProblem(given().header("Authorization", bearer(writer)).when().get("/v1/test-scoped").then(), 403,
                "/v1/test-scoped")
                .body("title", equalTo("Forbidden"));
        assertProblem(given().header("Authorization", bearer(writer)).contentType(ContentType.JSON)
                .body("{\"name\":\"x\",\"count\":1}").when().post("/v1/test-scoped").then(), 403, "/v1/test-scoped");
    }

    @Test
    void keyWithTheScopeIsServed() {
        String reader = TestKeys.key("reader", null, Scopes.ORDERS_READ);
        given().header("Authorization", bearer(reader)).contentType(ContentType.JSON)
                .body("{\"name\":\"x\",\"count\":2}")
                .when().post("/v1/test-scoped")
                .then().statusCode(200).body("name", equalTo("x")).body("count", equalTo(2));
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        String reader = TestKeys.key("reader", null, Scopes.ORDERS_READ);
        given().header("Authorization", "bearer " + reader).when().get("/v1/test-scoped").then().statusCode(200);
    }

    @Test
    void bootstrapAdminKeyHasEveryScope() {
        given().header("Authorization", bearer(TestKeys.ADMIN)).when().get("/v1/test-scoped")
                .then().statusCode(200)
                .body("key_id", equalTo("bootstrap"))
                .body("has_orders_write", equalTo(true));
        given().header("Authorization", bearer(TestKeys.ADMIN)).when().get("/v1/api-keys").then().statusCode(200);
    }

    @Test
    void healthMetricsAndOpenApiNeedNoKeyAndIgnoreABadOne() {
        given().when().get("/q/health/live").then().statusCode(200);
        given().header("Authorization", bearer("garbage")).when().get("/q/health/live").then().statusCode(200);
        given().when().get("/q/metrics").then().statusCode(200);
        given().when().get("/q/openapi").then().statusCode(200);
    }
}
