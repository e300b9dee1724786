package io.orderrelay.webhook;

import static io.orderrelay.webhook.WebhookFixtures.partner;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import io.orderrelay.security.Scopes;
import io.orderrelay.security.TestKeys;
import io.orderrelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WebhookEndpointApiIT {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    DataSource db;

    private static String base(String partner) {
        return "/v1/partners/" + partner + "/webhook-endpoints";
    }

    @Test
    void createAnswersTheSecretOnceAndStoresItEncrypted() throws Exception {
        String partner = partner();
        var created = Api.json("{\"url\": \"https://127.0.0.1:9/hook\", \"description\": \"orders\", "
                + "\"event_types\": [\"order.done\", \"order.*\"], \"include_secrets\": false}")
                .post(base(partner)).then().statusCode(201)
                .header("Location", containsString(base(partner) + "/"))
                .body("id", notNullValue())
                .body("url", equalTo("https://127.0.0.1:9/hook"))
                .body("description", equalTo("orders"))
                .body("event_types", hasSize(2))
                .body("include_secrets", equalTo(false))
                .body("enabled", equalTo(true))
                .body("created_at", notNullValue())
                .body("secret", matchesPattern("whsec_[A-Za-z0-9+/]+=*"))
                .extract().jsonPath();
        String secret = created.getString("secret");
        assertEquals(32, Base64.getDecoder().decode(secret.substring(6)).length);
        String id = created.getString("id");

        Api.given().get(base(partner) + "/" + id).then().statusCode(200).body("secret", nullValue());
        Api.given().get(base(partner)).then().statusCode(200).body("items.id", hasItem(id))
                .body("items[0].secret", nullValue());
        try (var c = db.getConnection(); var st = c.prepareStatement("select secret from webhook_endpoints where id = ?")) {
            st.setObject(1, UUID.fromString(id));
            try (var rs = st.executeQuery()) {
                assertTrue(rs.next());
                assertTrue(rs.getString(1).startsWith("v1."));
                assertFalse(rs.getString(1).contains(secret.substring(6)));
            }
        }
    }

    @Test
    void patchChangesUrlTypesAndEnabledAndDeleteRemoves() {
        String partner = partner();
        String id = WebhookFixtures.endpoint(partner, "https://127.0.0.1:9/a", "").getString("id");
        Api.json("{\"url\": \"https://127.0.0.1:9/b\", \"event_types\": [\"order.done\"], \"enabled\": false}")
                .patch(base(partner) + "/" + id).then().statusCode(200)
                .body("url", equalTo("https://127.0.0.1:9/b"))
                .body("event_types", hasSize(1))
                .body("enabled", equalTo(false));
        Api.json("{\"event_types\": null, \"enabled\": true}").patch(base(partner) + "/" + id).then().statusCode(200)
                .body("event_types", nullValue())
                .body("enabled", equalTo(true));
        Api.given().delete(base(partner) + "/" + id).then().statusCode(204);
        Api.given().get(base(partner) + "/" + id).then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void badUrlsAreRefusedWithAProblemNamingTheField() {
        String partner = partner();
        for (String url : new String[] {"ftp://127.0.0.1/x", "not a url", "https://", "https://user:pw@127.0.0.1/x",
                "https://169.254.169.254/latest/meta-data", "https://[fd00:ec2::254]/x"}) {
            Api.json("{\"url\": \"" + url + "\"}").post(base(partner)).then().statusCode(400).contentType(PROBLEM)
                    .body("errors[0].field", equalTo("url"));
        }
        Api.json("{\"description\": \"no url\"}").post(base(partner)).then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("url"));
        Api.json("{\"url\": \"https://no-such-host.invalid/x\"}").post(base(partner)).then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].message", containsString("does not resolve"));
    }

    @Test
    void unknownEventTypesAreRefused() {
        String partner = partner();
        Api.json("{\"url\": \"https://127.0.0.1:9/x\", \"event_types\": [\"order.done\", \"order.nope\"]}")
                .post(base(partner)).then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("event_types[1]"));
        Api.json("{\"url\": \"https://127.0.0.1:9/x\", \"event_types\": []}")
                .post(base(partner)).then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("event_types"));
        // every state is a known type, local ones included
        Api.json("{\"url\": \"https://127.0.0.1:9/x\", \"event_types\": [\"order.submitting\", "
                + "\"order.submission_uncertain\", \"order.rejected\", \"order.payment_setup_failed\", \"webhook.test\"]}")
                .post(base(partner)).then().statusCode(201);
        String id = WebhookFixtures.endpoint(partner, "https://127.0.0.1:9/y", "").getString("id");
        Api.json("{\"event_types\": [\"order.unheard_of\"]}").patch(base(partner) + "/" + id).then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("event_types[0]"));
        Api.json("{\"include_secrets\": true}").patch(base(partner) + "/" + id).then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("include_secrets"));
        Api.json("{\"enabled\": \"yes\"}").patch(base(partner) + "/" + id).then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("enabled"));
        Api.json("{\"url\": 42, \"event_types\": [\"x\"]}").patch(base(partner) + "/" + id).then().statusCode(400)
                .contentType(PROBLEM).body("errors", hasSize(2));
        Api.json("[1]").patch(base(partner) + "/" + id).then().statusCode(400).contentType(PROBLEM);
        Api.json("{not json").post(base(partner)).then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void unknownIdsAnswer404AndMalformedOnes400() {
        String partner = partner();
        String id = WebhookFixtures.endpoint(partner, "https://127.0.0.1:9/x", "").getString("id");
        Api.given().get(base(partner) + "/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
        // a malformed id is a 400 naming it, everywhere
        Api.given().get(base(partner) + "/not-a-uuid").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("id"));
        // another partner's path does not reach it
        Api.given().get(base(partner()) + "/" + id).then().statusCode(404).contentType(PROBLEM);
        Api.given().post(base(partner) + "/" + id + "/deliveries/" + UUID.randomUUID() + "/retry").then()
                .statusCode(404).contentType(PROBLEM);
        Api.given().delete(base(partner) + "/" + UUID.randomUUID()).then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    void deliveryListAndReplayValidateTheirInput() {
        String partner = partner();
        String id = WebhookFixtures.endpoint(partner, "https://127.0.0.1:9/x", "").getString("id");
        Api.given().get(base(partner) + "/" + id + "/deliveries?status=lost").then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("status"));
        Api.given().get(base(partner) + "/" + id + "/deliveries?limit=0").then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("limit"));
        Api.given().get(base(partner) + "/" + id + "/deliveries?cursor=zzz").then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("cursor"));
        Api.given().get(base(partner) + "/" + id + "/deliveries").then().statusCode(200).body("items", hasSize(0));
        Api.json("{}").post(base(partner) + "/" + id + "/replay").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("since"));
        Api.json("{\"since\": \"yesterday\"}").post(base(partner) + "/" + id + "/replay").then().statusCode(400)
                .contentType(PROBLEM).body("errors[0].field", equalTo("since"));
    }

    @Test
    void aPartnerBoundKeySeesOnlyItsOwnPartnersEndpoints() {
        String mine = partner();
        String theirs = partner();
        String key = TestKeys.key("webhooks-" + mine, mine, Scopes.WEBHOOKS_MANAGE);
        String theirId = WebhookFixtures.endpoint(theirs, "https://127.0.0.1:9/x", "").getString("id");
        var bound = RestAssured.given().header("Authorization", TestKeys.bearer(key));
        bound.get(base(theirs)).then().statusCode(404).contentType(PROBLEM);
        RestAssured.given().header("Authorization", TestKeys.bearer(key)).get(base(theirs) + "/" + theirId)
                .then().statusCode(404).contentType(PROBLEM);
        RestAssured.given().header("Authorization", TestKeys.bearer(key)).contentType("application/json")
                .body("{\"url\": \"https://127.0.0.1:9/x\"}").post(base(theirs)).then().statusCode(404);
        RestAssured.given().header("Authorization", TestKeys.bearer(key)).contentType("application/json")
                .body("{\"url\": \"https://127.0.0.1:9/x\"}").post(base(mine)).then().statusCode(201);
        RestAssured.given().header("Authorization", TestKeys.bearer(key)).get(base(mine)).then().statusCode(200)
                .body("items", hasSize(1)).body("items.id", not(hasItem(theirId)));
        // a key without the scope is forbidden, and no key at all is unauthorised
        String reader = TestKeys.key("reader-" + mine, mine, Scopes.ORDERS_READ);
        RestAssured.given().header("Authorization", TestKeys.bearer(reader)).get(base(mine)).then().statusCode(403);
        RestAssured.given().get(base(mine)).then().statusCode(401);
    }

    @Test
    void endpointsReceivingRedemptionDataNeedTheSecretsScope() {
        String mine = partner();
        String manager = TestKeys.key("manager-" + mine, mine, Scopes.WEBHOOKS_MANAGE);
        String custodian = TestKeys.key("custodian-" + mine, mine, Scopes.WEBHOOKS_MANAGE, Scopes.ORDERS_SECRETS);
        String body = "{\"url\": \"https://127.0.0.1:9/secrets\", \"include_secrets\": true}";

        RestAssured.given().header("Authorization", TestKeys.bearer(manager)).contentType("application/json").body(body)
                .post(base(mine)).then().statusCode(403).contentType(PROBLEM);
        String id = RestAssured.given().header("Authorization", TestKeys.bearer(custodian)).contentType("application/json")
                .body(body).post(base(mine)).then().statusCode(201).extract().path("id");
        RestAssured.given().header("Authorization", TestKeys.bearer(manager)).contentType("application/json")
                .body("{\"url\": \"https://127.0.0.1:9/elsewhere\"}").patch(base(mine) + "/" + id)
                .then().statusCode(403);
        RestAssured.given().header("Authorization", TestKeys.bearer(manager)).contentType("application/json")
                .body("{\"description\": \"renamed\"}").patch(base(mine) + "/" + id)
                .then().statusCode(200);
    }
}
