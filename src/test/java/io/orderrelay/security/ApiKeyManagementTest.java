package io.orderrelay.security;

import static io.orderrelay.security.TestKeys.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;

import io.orderrelay.testing.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ApiKeyManagementTest {

    @Test
    void adminCreatesAKeyShownOnceAndListedWithoutKeyMaterial() {
        JsonPath created = TestKeys.create("billing service", null, Scopes.ORDERS_READ, Scopes.ORDERS_WRITE);
        String id = created.getString("id");
        String key = created.getString("key");
        assertThat(key, startsWith("ork_"));
        assertEquals(4 + 43, key.length(), "ork_ + base64url of 32 bytes");
        assertEquals(List.of(Scopes.ORDERS_READ, Scopes.ORDERS_WRITE), created.getList("scopes", String.class));
        assertTrue(created.getString("created_at").endsWith("Z"), "RFC 3339 UTC");
        assertEquals(key.substring(0, 12), created.getString("key_prefix"));

        String listed = given().header("Authorization", bearer(TestKeys.ADMIN))
                .when().get("/v1/api-keys")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("items.id", hasItem(id))
                .extract().asString();
        assertFalse(listed.contains(key.substring(12)), "the key is never listed");
        assertFalse(listed.contains(ApiKeyMaterial.hash(key)), "nor its hash");
        given().header("Authorization", bearer(TestKeys.ADMIN)).when().get("/v1/api-keys/" + id)
                .then().statusCode(200)
                .body("name", equalTo("billing service"))
                .body("key", nullValue())
                .body("created_by", equalTo("bootstrap"))
                .body("revoked_at", nullValue());
    }

    @Test
    void revokedKeyGets401AtOnce() {
        JsonPath created = TestKeys.create("to revoke", null, Scopes.ORDERS_READ);
        String key = created.getString("key");
        // used first, so the key is in the lookup cache when it is revoked
        given().header("Authorization", bearer(key)).when().get("/v1/test-scoped").then().statusCode(200);

        given().header("Authorization", bearer(TestKeys.ADMIN))
                .when().delete("/v1/api-keys/" + created.getString("id"))
                .then().statusCode(204);

        given().header("Authorization", bearer(key)).when().get("/v1/test-scoped")
                .then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", bearer(TestKeys.ADMIN)).when().get("/v1/api-keys/" + created.getString("id"))
                .then().statusCode(200).body("revoked_at", notNullValue());
        // revoking again is harmless
        given().header("Authorization", bearer(TestKeys.ADMIN))
                .when().delete("/v1/api-keys/" + created.getString("id"))
                .then().statusCode(204);
    }

    @Test
    void adminKeyCreatedThroughTheApiCanManageKeys() {
        String admin = TestKeys.key("second admin", null, Scopes.ADMIN);
        JsonPath created = given().header("Authorization", bearer(admin)).contentType(ContentType.JSON)
                .body(Map.of("name", "made by an admin key", "scopes", List.of(Scopes.ORDERS_READ)))
                .when().post("/v1/api-keys")
                .then().statusCode(201).header("Location", containsString("/v1/api-keys/"))
                .extract().jsonPath();
        given().header("Authorization", bearer(admin)).when().get("/v1/api-keys/" + created.getString("id"))
                .then().statusCode(200).body("created_by", notNullValue())
                .body("created_by", org.hamcrest.Matchers.not(equalTo("bootstrap")));
    }

    @Test
    void keyWithoutAdminScopeCannotManageKeys() {
        String reader = TestKeys.key("reader", null, Scopes.ORDERS_READ, Scopes.WEBHOOKS_MANAGE);
        given().header("Authorization", bearer(reader)).when().get("/v1/api-keys")
                .then().statusCode(403).contentType("application/problem+json");
        given().header("Authorization", bearer(reader)).contentType(ContentType.JSON)
                .body(Map.of("name", "escalation", "scopes", List.of(Scopes.ADMIN)))
                .when().post("/v1/api-keys")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void unknownScopeIsRefusedWithFieldErrors() {
        given().header("Authorization", bearer(TestKeys.ADMIN)).contentType(ContentType.JSON)
                .body(Map.of("name", "bad", "scopes", List.of(Scopes.ORDERS_READ, "orders:delete")))
                .when().post("/v1/api-keys")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("instance", equalTo("/v1/api-keys"))
                .body("errors[0].field", equalTo("scopes[1]"))
                .body("errors[0].message", containsString("unknown scope"));
    }

    @Test
    void missingNameAndScopesAreRefusedTogether() {
        given().header("Authorization", bearer(TestKeys.ADMIN)).contentType(ContentType.JSON)
                .body("{}")
                .when().post("/v1/api-keys")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("name", "scopes"));
    }

    @Test
    void partnerBoundKeyCannotBeAdmin() {
        given().header("Authorization", bearer(TestKeys.ADMIN)).contentType(ContentType.JSON)
                .body(Map.of("name", "bound admin", "scopes", List.of(Scopes.ADMIN), "partner_id", "acme"))
                .when().post("/v1/api-keys")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("scopes"));
    }

    @Test
    void revokingAnUnknownKeyAnswers404AndAMalformedId400() {
        given().header("Authorization", bearer(TestKeys.ADMIN))
                .when().delete("/v1/api-keys/0190b5a8-0000-7000-8000-000000000000")
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        given().header("Authorization", bearer(TestKeys.ADMIN))
                .when().delete("/v1/api-keys/not-a-uuid")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("id"));
    }

    @Test
    void partnerBindingIsVisibleThroughCaller() {
        JsonPath bound = TestKeys.create("acme reader", "acme", Scopes.ORDERS_READ);
        assertEquals("acme", bound.getString("partner_id"));
        given().header("Authorization", bearer(bound.getString("key"))).when().get("/v1/test-scoped")
                .then().statusCode(200)
                .body("key_id", equalTo(bound.getString("id")))
                .body("bound_partner", equalTo("acme"))
                .body("can_see_acme", equalTo(true))
                .body("can_see_globex", equalTo(false))
                .body("has_orders_write", equalTo(false));

        String unbound = TestKeys.key("global reader", null, Scopes.ORDERS_READ);
        given().header("Authorization", bearer(unbound)).when().get("/v1/test-scoped")
                .then().statusCode(200)
                .body("bound_partner", nullValue())
                .body("can_see_acme", equalTo(true))
                .body("can_see_globex", equalTo(true));
    }

    @Test
    void keysAndAuthorizationHeadersNeverReachTheLogs() {
        try (LogCapture logs = LogCapture.start("io.orderrelay", "io.quarkus.security", "io.quarkus.vertx.http")) {
            JsonPath created = TestKeys.create("logged?", "acme", Scopes.ORDERS_READ);
            String key = created.getString("key");
            given().header("Authorization", bearer(key)).when().get("/v1/test-scoped").then().statusCode(200);
            given().header("Authorization", bearer(key + "x")).when().get("/v1/test-scoped").then().statusCode(401);
            given().header("Authorization", bearer(TestKeys.ADMIN))
                    .when().delete("/v1/api-keys/" + created.getString("id")).then().statusCode(204);
            given().header("Authorization", bearer(key)).when().get("/v1/test-scoped").then().statusCode(401);

            assertTrue(logs.records().stream().anyMatch(r -> r.contains(created.getString("id"))),
                    "the capture sees our audit records");
            logs.assertNoneContains(key, key.substring(12), ApiKeyMaterial.hash(key), TestKeys.ADMIN,
                    "Bearer ork_");
        }
    }

    @Test
    void createdKeyStartsWithItsDisplayPrefix() {
        JsonPath created = TestKeys.create("prefix", null, Scopes.ORDERS_READ);
        given().header("Authorization", bearer(TestKeys.ADMIN)).when().get("/v1/api-keys")
                .then().body("items.find { it.id == '" + created.getString("id") + "' }.key_prefix",
                        startsWith("ork_"));
    }
}
