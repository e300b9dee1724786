package io.orderrelay.problem;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import io.orderrelay.support.Api;
import io.orderrelay.support.RawHttp;
import io.orderrelay.support.UpstreamFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reported 500s and their neighbours: a 400 problem naming the field, and no row written. */
@QuarkusTest
class HostileInputTest {

    @Inject
    DataSource db;

    @Test
    void aNulInTheClientReferenceFilterIsRefused() {
        problem(Api.given().urlEncodingEnabled(false).get("/v1/orders?client_reference=%00"), "client_reference");
    }

    @Test
    void aTimeBeyondWhatPostgresqlHoldsIsRefused() {
        problem(Api.given().urlEncodingEnabled(false).get("/v1/orders?created_from=%2B300000-01-01T00:00:00Z"), "created_from");
        problem(Api.given().queryParam("created_to", "-4714-11-24T00:00:00Z").get("/v1/orders"), "created_to");
        // a cursor whose time is far beyond: base64url("-9223372036854775808:<uuid>")
        String cursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("-9223372036854775808:" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        problem(Api.given().queryParam("cursor", cursor).get("/v1/orders"), "cursor");
    }

    @Test
    void anOrderWhoseClientReferenceHoldsANulIsRefusedAndNothingStored() {
        String partner = partner();
        String body = order(partner, UpstreamFixtures.reference()).replace("\"client_reference\": \"", "\"client_reference\": \"a\\u0000");
        problem(Api.json(body).header("Idempotency-Key", "nul-" + partner).post("/v1/orders"), "client_reference");
        assertEquals(0, count("select count(*) from orders where partner_id = '" + partner + "'"));
        assertEquals(0, count("select count(*) from idempotency_keys where key = 'nul-" + partner + "'"));
    }

    @Test
    void aPartnerPathWithASpaceIsRefusedAndNoEndpointIsStored() {
        problem(Api.json("{\"url\": \"http://127.0.0.1:9/hook\"}").urlEncodingEnabled(false)
                .post("/v1/partners/acme%20x/webhook-endpoints"), "partner_id");
        assertEquals(0, count("select count(*) from webhook_endpoints where partner_id = 'acme x'"));
    }

    @ParameterizedTest(name = "partner id \"{0}\"")
    @ValueSource(strings = { "acme x", "a/b", "a:b", "acmé", "a\tb",
            "a1234567890123456789012345678901234567890123456789012345678901234" })
    void aPartnerIdOutsideTheSyntaxIsRefusedWhereverItEnters(String partner) {
        problem(Api.json(order(partner, UpstreamFixtures.reference()).replace("\\", "\\\\").replace("\t", "\\t"))
                .post("/v1/orders/validations"), "partner_id");
        problem(Api.given().queryParam("partner_id", partner).get("/v1/orders"), "partner_id");
        problem(Api.given().urlEncodingEnabled(false).get("/v1/partners/" + HostileCases.encode(partner) + "/webhook-endpoints"),
                "partner_id");
        problem(Api.json("{\"name\": \"k\", \"scopes\": [\"orders:read\"], \"partner_id\": \"" + partner.replace("\t", "\\t") + "\"}")
                .post("/v1/api-keys"), "partner_id");
        assertEquals(0, count("select count(*) from api_keys where partner_id = '" + partner.replace("'", "''") + "'"));
    }

    @Test
    void everyCharacterOfThePartnerIdSyntaxIsAccepted() {
        String partner = "A.b_c-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20) + "x".repeat(38);
        assertEquals(64, partner.length());
        Api.json("{\"name\": \"k\", \"scopes\": [\"orders:read\"], \"partner_id\": \"" + partner + "\"}")
                .post("/v1/api-keys").then().statusCode(201);
        Api.given().get("/v1/partners/" + partner + "/webhook-endpoints").then().statusCode(200);
        Api.given().queryParam("partner_id", partner).get("/v1/orders").then().statusCode(200);
    }

    @Test
    void aDeeplyNestedBodyIsRefusedNamingItsTopLevelField() {
        // a free-form (JsonNode) body: Jackson alone stops at 1,000 levels without naming the field
        String deep = "[".repeat(2_000) + "]".repeat(2_000);
        problem(Api.json("{\"description\": " + deep + "}").patch(endpoint(partner())), "description");
    }

    @Test
    void aBodyThatIsNotUtf8IsRefusedNamingTheField() {
        byte[] body = "{\"description\": \"a\u00FFb\"}".getBytes(StandardCharsets.ISO_8859_1);
        problem(Api.given().contentType(ContentType.JSON).body(body).patch(endpoint(partner())), "description");
    }

    @Test
    void aLoneSurrogateOrAControlCharacterInAnyStringIsRefusedAndNothingStored() {
        String partner = partner();
        problem(Api.json("{\"url\": \"http://127.0.0.1:9/hook\", \"description\": \"a\\ud800\"}")
                .post("/v1/partners/" + partner + "/webhook-endpoints"), "description");
        problem(Api.json("{\"url\": \"http://127.0.0.1:9/hook\", \"description\": \"a\\u0000\"}")
                .post("/v1/partners/" + partner + "/webhook-endpoints"), "description");
        assertEquals(0, count("select count(*) from webhook_endpoints where partner_id = '" + partner + "'"));
        problem(Api.json("{\"name\": \"k\\u001b[31m\", \"scopes\": [\"orders:read\"], \"partner_id\": \"" + partner + "\"}")
                .post("/v1/api-keys"), "name");
        assertEquals(0, count("select count(*) from api_keys where partner_id = '" + partner + "'"));
    }

    @ParameterizedTest(name = "quantity {0}")
    @ValueSource(strings = { "2147483648", "99999999999999999999999", "1e400", "1.5" })
    void aQuantityThatIsNoSmallWholeNumberIsRefusedNamingIt(String quantity) {
        String body = order(partner(), UpstreamFixtures.reference()).replace("\"quantity\": 1", "\"quantity\": " + quantity);
        problem(Api.json(body).post("/v1/orders/validations"), "deliveries[0].quantity");
    }

    @Test
    void anyRouteRefusesControlCharactersInItsPathQueryAndDeclaredHeaders() throws Exception {
        // a probe resource that validates nothing itself: only the generic guard stands in the way
        Api.given().get("/v1/test-input/echo/plain?query=fine").then().statusCode(200).body("value", equalTo("plain"));
        problem(Api.given().urlEncodingEnabled(false).get("/v1/test-input/echo/a%00b"), "value");
        problem(Api.given().urlEncodingEnabled(false).get("/v1/test-input/echo/a?query=a%1Bb"), "query");
        problem(Api.given().header("X-Echo", "a\tb").get("/v1/test-input/echo/a"), "X-Echo");
        // a C1 control as its Latin-1 byte (0x85): ordinary clients will not send it
        RawHttp.Answer c1 = RawHttp.send(RestAssured.port, "GET", "/v1/test-input/echo/a", Map.of(
                "Authorization", ("Bearer " + Api.ADMIN_KEY).getBytes(StandardCharsets.ISO_8859_1),
                "X-Echo", new byte[] { 'a', (byte) 0x85, 'b' }), null);
        assertEquals(400, c1.status(), c1.text());
        assertTrue(c1.text().contains("\"field\":\"X-Echo\""), c1.text());
        // headers the route does not declare are none of its business
        Api.given().header("X-Other", "a\tb").get("/v1/test-input/echo/a").then().statusCode(200);
    }

    @Test
    void anOverlongWebhookUrlIsRefusedAndNothingStored() {
        // (the limit is TargetGuard's)
        String partner = partner();
        problem(Api.json("{\"url\": \"http://127.0.0.1:9/" + "a".repeat(3_000) + "\"}")
                .post("/v1/partners/" + partner + "/webhook-endpoints"), "url");
        assertEquals(0, count("select count(*) from webhook_endpoints where partner_id = '" + partner + "'"));
    }

    @Test
    void aQueryValueThatIsNotUtf8IsRefusedNamingIt() {
        problem(Api.given().urlEncodingEnabled(false).get("/v1/orders?client_reference=a%C3%28b"), "client_reference");
        problem(Api.given().urlEncodingEnabled(false).get("/v1/test-input/echo/a%C3%28b"), "value");
    }

    @Test
    void aValueTheDatabaseRefusesIsA400WithoutTheSql() {
        Api.given().queryParam("time", "300000-01-01").get("/v1/test-input/data-exception").then()
                .statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body(not(containsString("select")), not(containsString("SQL")), not(containsString("timestamp")),
                        not(containsString("Exception")));
    }

    private static ValidatableResponse problem(Response response, String field) {
        return response.then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field))
                .body(not(containsString("Exception")), not(containsString("at io.")));
    }

    private static String order(String partner, String reference) {
        return UpstreamFixtures.createBody(reference).replace("\"partner_id\": \"acme\"", "\"partner_id\": \"" + partner + "\"");
    }

    /** A new webhook endpoint of {@code partner}: its path. */
    private static String endpoint(String partner) {
        String path = "/v1/partners/" + partner + "/webhook-endpoints";
        return path + "/" + Api.json("{\"url\": \"http://127.0.0.1:9/hook\"}").post(path).then().statusCode(201)
                .extract().path("id");
    }

    private static String partner() {
        return "hi-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private long count(String sql) {
        try (var connection = db.getConnection(); var statement = connection.createStatement();
                var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
