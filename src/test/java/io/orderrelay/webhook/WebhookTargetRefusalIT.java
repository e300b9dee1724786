package io.orderrelay.webhook;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import io.orderrelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** With private targets not allowed (as in prod), loopback, private and metadata URLs are refused, also at send time. */
@QuarkusTest
@TestProfile(WebhookTargetRefusalIT.PrivateTargetsRefused.class)
class WebhookTargetRefusalIT {

    public static class PrivateTargetsRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("relay.webhook.allow-private-targets", "false");
        }
    }

    @Inject
    DataSource db;

    @Test
    void urlsResolvingToNonPublicAddressesAreRefused() {
        String partner = WebhookFixtures.partner();
        for (String url : new String[] {"http://127.0.0.1:8080/x", "https://localhost/x", "https://[::1]/x",
                "https://[::ffff:127.0.0.1]/x", "https://10.1.2.3/x", "https://172.16.5.4/x", "https://192.168.1.1/x",
                "https://100.64.0.1/x", "https://169.254.10.10/x", "https://169.254.169.254/latest/meta-data",
                "https://[fd00:ec2::254]/x", "https://[fe80::1]/x", "https://[fc00::1]/x", "https://224.0.0.1/x",
                "https://0.0.0.0/x", "https://255.255.255.255/x"}) {
            Api.json("{\"url\": \"" + url + "\"}").post("/v1/partners/" + partner + "/webhook-endpoints")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("url"))
                    .body("errors[0].message", containsString("address"));
        }
        // a public address is fine (nothing is sent to it here)
        Api.json("{\"url\": \"https://93.184.215.14/hook\"}").post("/v1/partners/" + partner + "/webhook-endpoints")
                .then().statusCode(201);
    }

    @Test
    void theTargetIsCheckedAgainAtSendTime() throws Exception {
        String partner = WebhookFixtures.partner();
        try (Receiver r = new Receiver()) {
            // as if the endpoint's name had resolved to a public address when saved and to loopback now
            UUID id = UUID.randomUUID();
            try (var c = db.getConnection(); var st = c.prepareStatement("""
                    insert into webhook_endpoints (id, partner_id, url, include_secrets, enabled, secret, created_at, updated_at)
                    values (?, ?, ?, false, true, ?, now(), now())""")) {
                st.setObject(1, id);
                st.setString(2, partner);
                st.setString(3, r.url("/rebound"));
                st.setString(4, new io.orderrelay.security.SecretBox(
                        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", java.util.List.of()).seal(Signatures.newSecret()));
                st.executeUpdate();
            }
            String path = "/v1/partners/" + partner + "/webhook-endpoints/" + id;
            Api.given().post(path + "/test").then().statusCode(202);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> Api.given().get(path + "/deliveries").then()
                    .body("items[0].attempts", hasSize(1))
                    .body("items[0].attempts[0].error", containsString("loopback")));
            assertEquals(0, r.requests().size());
        }
    }
}
