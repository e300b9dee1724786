package io.orderrelay.security;

import static io.orderrelay.security.TestKeys.bearer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/**
 * Failed authentications are throttled per client address: after {@link SecurityLimitsProfile#MAX_FAILURES} in the
 * window, that address gets 429 problem+json with Retry-After for every /v1 request, a valid key included (otherwise
 * a guesser would simply keep guessing), while other addresses are served as usual.
 */
@QuarkusTest
@TestProfile(SecurityLimitsProfile.class)
class AuthThrottleTest {

    static ValidatableResponse badKey(String from) {
        return ClientAddress.from(from).header("Authorization", bearer("ork_guess" + System.nanoTime()))
                .get("/v1/test-scoped").then();
    }

    static ValidatableResponse assertThrottled(ValidatableResponse response) {
        return response.statusCode(429).contentType("application/problem+json")
                .header("Retry-After", matchesPattern("[1-9][0-9]*"))
                .body("status", equalTo(429))
                .body("type", equalTo("https://order-relay.io/problems/rate-limited"))
                .body("instance", equalTo("/v1/test-scoped"))
                .body("detail", containsString("failed authentications"));
    }

    @Test
    void anAddressThatKeepsFailingIsThrottledWhileOtherAddressesAreServed() {
        String attacker = "127.0.0.2";
        for (int i = 0; i < SecurityLimitsProfile.MAX_FAILURES; i++) {
            badKey(attacker).statusCode(401);
        }
        assertThrottled(badKey(attacker));
        // blocked whatever it sends: a valid key, or no key at all
        assertThrottled(ClientAddress.from(attacker).header("Authorization", bearer(TestKeys.ADMIN)).get("/v1/test-scoped").then());
        assertThrottled(ClientAddress.from(attacker).get("/v1/test-scoped").then());
        // outside /v1 nothing changes (health probes, metrics)
        ClientAddress.from(attacker).get("/q/health/live").then().statusCode(200);

        // another address: a valid key works, a bad key is an ordinary 401
        ClientAddress.from("127.0.0.1").header("Authorization", bearer(TestKeys.ADMIN)).get("/v1/test-scoped")
                .then().statusCode(200);
        badKey("127.0.0.3").statusCode(401);
    }

    @Test
    void malformedAuthorizationHeadersCountAsFailures() {
        String client = "127.0.0.6";
        for (int i = 0; i < SecurityLimitsProfile.MAX_FAILURES; i++) {
            ClientAddress.from(client).header("Authorization", i % 2 == 0 ? "Basic dXNlcjpwYXNz" : "Bearer")
                    .get("/v1/test-scoped").then().statusCode(401);
        }
        assertThrottled(badKey(client));
    }

    @Test
    void requestsWithoutAKeyAreNotFailures() {
        String client = "127.0.0.7";
        for (int i = 0; i < SecurityLimitsProfile.MAX_FAILURES * 2; i++) {
            ClientAddress.from(client).get("/v1/test-scoped").then().statusCode(401);
        }
        ClientAddress.from(client).header("Authorization", bearer(TestKeys.ADMIN)).get("/v1/test-scoped")
                .then().statusCode(200);
    }

    /** X-Forwarded-For from a peer that is not a trusted proxy is ignored: changing it does not escape the limit. */
    @Test
    void aForgedForwardedForDoesNotEscapeTheLimit() {
        String client = "127.0.0.5";
        for (int i = 0; i < SecurityLimitsProfile.MAX_FAILURES; i++) {
            ClientAddress.from(client).header("X-Forwarded-For", "198.51.100." + (i + 1))
                    .header("Authorization", bearer("ork_guess" + i)).get("/v1/test-scoped").then().statusCode(401);
        }
        assertThrottled(ClientAddress.from(client).header("X-Forwarded-For", "198.51.100.99")
                .header("Authorization", bearer("ork_guess")).get("/v1/test-scoped").then());
    }

    /** Behind the trusted proxy, each client behind it is counted on its own: one guesser does not block the others. */
    @Test
    void behindTheTrustedProxyEachForwardedClientIsThrottledOnItsOwn() {
        String proxy = SecurityLimitsProfile.TRUSTED_PROXY;
        for (int i = 0; i < SecurityLimitsProfile.MAX_FAILURES; i++) {
            ClientAddress.from(proxy).header("X-Forwarded-For", "203.0.113.7")
                    .header("Authorization", bearer("ork_guess" + i)).get("/v1/test-scoped").then().statusCode(401);
        }
        assertThrottled(ClientAddress.from(proxy).header("X-Forwarded-For", "203.0.113.7")
                .header("Authorization", bearer(TestKeys.ADMIN)).get("/v1/test-scoped").then());
        ClientAddress.from(proxy).header("X-Forwarded-For", "203.0.113.8")
                .header("Authorization", bearer(TestKeys.ADMIN)).get("/v1/test-scoped").then().statusCode(200);
    }
}
