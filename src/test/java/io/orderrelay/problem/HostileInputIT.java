package io.orderrelay.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderrelay.problem.ApiOperations.Operation;
import io.orderrelay.problem.ApiOperations.Param;
import io.orderrelay.problem.HostileCases.Case;
import io.orderrelay.security.Scopes;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.orderrelay.support.RawHttp;
import io.orderrelay.support.UpstreamFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads the routes from the OpenAPI document and sends each operation every class of hostile input (see
 * {@link HostileCases}): never a 5xx; every 4xx is problem+json naming the field when one is known; nothing is stored.
 * A route added later is covered without touching this test. Skipped: {@code /q} (framework), {@code /sandbox} (absent
 * from prod builds) and {@code /v1/test-} (resources that exist only in the tests).
 */
@QuarkusTest
class HostileInputIT {

    private static final List<String> SKIPPED = List.of("/q", "/sandbox", "/v1/test-");
    /** Cases where a 2xx is the right answer; none so far: every class of input above is refused. */
    private static final Set<String> ACCEPTED = Set.of();

    @Inject
    DataSource db;

    private final ObjectMapper json = new ObjectMapper();
    private String partner;
    private Map<String, String> ids;

    @TestFactory
    Stream<DynamicTest> everyOperationRefusesHostileInputWithAProblemAndStoresNothing() throws Exception {
        JsonNode document = json.readTree(RestAssured.given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().asByteArray());
        List<Operation> operations = ApiOperations.of(document, SKIPPED);
        assertTrue(operations.size() >= 20, "the document lists the API: " + operations.size());
        fixtures();
        return operations.stream().flatMap(op -> HostileCases.of(op, p -> base(op, p), body(document, op), Api.ADMIN_KEY)
                .stream().map(c -> DynamicTest.dynamicTest(op.label() + " · " + c.name(), () -> check(c))));
    }

    private void check(Case c) throws Exception {
        String before = counts();
        RawHttp.Answer answer = RawHttp.send(RestAssured.port, c.method(), c.target(), c.headers(), c.body());
        String said = c.name() + " -> " + answer.status() + " " + answer.contentType() + " " + abbreviated(answer.text());
        assertTrue(answer.status() < 500, "never a 5xx: " + said);
        if (ACCEPTED.contains(c.name()) && answer.status() < 300) {
            return;
        }
        assertTrue(answer.status() >= 400, "refused: " + said);
        assertEquals(before, counts(), "nothing stored: " + said);
        if (c.codec()) {
            // refused by the HTTP codec before any application code: a bare 400 (documented in the README)
            assertEquals(400, answer.status(), said);
            return;
        }
        assertTrue(answer.contentType().startsWith("application/problem+json"), "problem+json: " + said);
        JsonNode problem = json.readTree(answer.body());
        assertEquals(answer.status(), problem.path("status").asInt(), said);
        assertFalse(answer.text().contains("Exception") || answer.text().contains("SQL")
                || answer.text().contains("at io."), "no stack trace or SQL: " + said);
        if (answer.status() == 400 && c.field() != null) {
            List<String> fields = problem.path("errors").findValuesAsText("field");
            assertTrue(fields.contains(c.field()), "names " + c.field() + ": " + said);
        }
    }

    /** A real order, webhook endpoint, delivery and API key, so that valid ids reach the code behind them. */
    private void fixtures() {
        partner = "hostile-" + UUID.randomUUID().toString().substring(0, 8);
        String order = Api.json(orderBody()).header("Idempotency-Key", "hostile-" + partner).post("/v1/orders")
                .then().statusCode(201).extract().path("id");
        String endpoint = Api.json("{\"url\": \"http://127.0.0.1:9/hook\"}")
                .post("/v1/partners/" + partner + "/webhook-endpoints").then().statusCode(201).extract().path("id");
        String delivery = Api.given().post("/v1/partners/" + partner + "/webhook-endpoints/" + endpoint + "/test")
                .then().statusCode(202).extract().path("id");
        String key = TestKeys.create("hostile " + partner, partner, Scopes.ORDERS_READ).getString("id");
        ids = Map.of("orders", order, "webhook-endpoints", endpoint, "api-keys", key, "deliveries", delivery);
    }

    /** A valid value for each parameter: a real id, the fixture partner, or a value of the right shape. */
    private String base(Operation op, Param p) {
        String name = p.name();
        if (p.in().equals("path")) {
            if (name.equals("partner_id")) {
                return partner;
            }
            if (name.equals("delivery_id")) {
                return ids.get("deliveries");
            }
            if (name.equals("country_code")) {
                return "US";
            }
            String[] segments = op.template().split("/");
            for (int i = 1; i < segments.length; i++) {
                if (segments[i].equals("{" + name + "}")) {
                    return ids.getOrDefault(segments[i - 1], UUID.randomUUID().toString());
                }
            }
            return "x";
        }
        if (!p.required()) {
            return null;
        }
        return switch (name) {
            case "country_code" -> "US";
            case "brand_name" -> "Airbnb";
            case "face_value" -> "100";
            case "coin" -> "USDC";
            default -> "x";
        };
    }

    private JsonNode body(JsonNode document, Operation op) {
        if (op.bodySchema() == null) {
            return null;
        }
        try {
            return switch (op.label()) {
                case "POST /v1/orders", "POST /v1/orders/validations" -> json.readTree(orderBody());
                case "POST /v1/orders/{id}/resolve" -> json.readTree("{\"upstream_order_id\": \"up-1\"}");
                case "POST /v1/partners/{partner_id}/webhook-endpoints" -> json.readTree("{\"url\": \"http://127.0.0.1:9/hook\", "
                        + "\"description\": \"d\", \"event_types\": [\"order.*\"], \"include_secrets\": false}");
                case "PATCH /v1/partners/{partner_id}/webhook-endpoints/{id}" -> json.readTree(
                        "{\"description\": \"d\", \"event_types\": [\"order.*\"]}");
                case "POST /v1/partners/{partner_id}/webhook-endpoints/{id}/replay" -> json.readTree(
                        "{\"since\": \"2026-01-01T00:00:00Z\"}");
                case "POST /v1/api-keys" -> json.readTree("{\"name\": \"n\", \"scopes\": [\"orders:read\"], \"partner_id\": \""
                        + partner + "\"}");
                default -> ApiOperations.skeleton(document, op.bodySchema(), 0);
            };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String orderBody() {
        return UpstreamFixtures.createBody("hostile-ref").replace("\"partner_id\": \"acme\"", "\"partner_id\": \"" + partner + "\"");
    }

    /** Rows only requests create: orders, endpoints, API keys, idempotency records, redemption reads. */
    private String counts() throws Exception {
        try (var connection = db.getConnection(); var statement = connection.createStatement();
                var rows = statement.executeQuery("""
                        select (select count(*) from orders) || '/' || (select count(*) from webhook_endpoints) || '/'
                            || (select count(*) from api_keys) || '/' || (select count(*) from idempotency_keys) || '/'
                            || (select count(*) from redemption_reads)""")) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static String abbreviated(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
