package io.orderrelay.security;

import static io.orderrelay.security.TestKeys.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestProfile(RateLimitTest.LowLimit.class)
class RateLimitTest {

    /** 3 requests at once, then one every 10 s: the fourth in a row is refused. */
    public static class LowLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.rate-limit.burst", "3", "relay.rate-limit.requests-per-second", "1");
        }
    }

    @Test
    void keyOverItsRateGets429ProblemWithRetryAfterWhileOtherKeysAreServed() {
        String busy = TestKeys.key("busy", null, Scopes.ORDERS_READ);
        String calm = TestKeys.key("calm", null, Scopes.ORDERS_READ);
        for (int i = 0; i < 3; i++) {
            given().header("Authorization", bearer(busy)).when().get("/v1/test-scoped").then().statusCode(200);
        }
        String retryAfter = given().header("Authorization", bearer(busy)).when().get("/v1/test-scoped")
                .then().statusCode(429)
                .contentType("application/problem+json")
                .body("status", equalTo(429))
                .body("instance", equalTo("/v1/test-scoped"))
                .extract().header("Retry-After");
        assertTrue(Long.parseLong(retryAfter) >= 1, "Retry-After is whole seconds, at least 1");

        given().header("Authorization", bearer(calm)).when().get("/v1/test-scoped").then().statusCode(200);
    }

    @Test
    void unauthenticatedRequestsAre401NotRateLimited() {
        for (int i = 0; i < 6; i++) {
            given().when().get("/v1/test-scoped").then().statusCode(401);
        }
    }
}
