package io.orderrelay.problem;

import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.UUID;

import io.orderrelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

/** Every id in a /v1 path is read by one converter: a malformed one is a 400 problem naming it, on every route. */
@QuarkusTest
class MalformedIdsTest {

    private record Route(String method, String path, String parameter) {
    }

    private static final String ANY = UUID.randomUUID().toString();

    private static List<Route> routes(String bad) {
        return List.of(
                new Route("GET", "/v1/orders/" + bad, "id"),
                new Route("GET", "/v1/orders/" + bad + "/transitions", "id"),
                new Route("GET", "/v1/orders/" + bad + "/deliveries", "id"),
                new Route("GET", "/v1/orders/" + bad + "/events", "id"),
                new Route("GET", "/v1/partners/acme/webhook-endpoints/" + bad, "id"),
                new Route("DELETE", "/v1/partners/acme/webhook-endpoints/" + bad, "id"),
                new Route("POST", "/v1/partners/acme/webhook-endpoints/" + bad + "/rotate-secret", "id"),
                new Route("POST", "/v1/partners/acme/webhook-endpoints/" + bad + "/test", "id"),
                new Route("GET", "/v1/partners/acme/webhook-endpoints/" + bad + "/deliveries", "id"),
                new Route("POST", "/v1/partners/acme/webhook-endpoints/" + ANY + "/deliveries/" + bad + "/retry",
                        "delivery_id"),
                new Route("GET", "/v1/api-keys/" + bad, "id"),
                new Route("DELETE", "/v1/api-keys/" + bad, "id"),
                new Route("POST", "/v1/admin/outbox/parked/" + bad + "/retry", "id"),
                new Route("POST", "/v1/admin/outbox/parked/" + bad + "/skip", "id"));
    }

    @Test
    void aMalformedIdIsA400NamingItEverywhere() {
        // 1-2-3-4-5 is a UUID to UUID.fromString, not to the API: only the canonical form is an id
        for (String bad : List.of("not-a-uuid", "1-2-3-4-5")) {
            for (Route route : routes(bad)) {
                RequestSpecification request = Api.given();
                request.log().ifValidationFails().request(route.method(), route.path()).then()
                        .statusCode(400)
                        .contentType(Problem.MEDIA_TYPE)
                        .body("errors[0].field", equalTo(route.parameter()));
            }
        }
    }
}
