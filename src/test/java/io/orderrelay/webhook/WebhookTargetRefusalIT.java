package io.orderrelay.webhook;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** Metadata services, link-local, NAT64, 6to4 and Teredo: refused whatever RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS says. */
    @Test
    void metadataLinkLocalAndIpv4WrappingAddressesAreNeverAllowed() {
        String partner = WebhookFixtures.partner();
        for (String url : new String[] {"https://168.63.129.16/machine", "https://100.100.100.200/latest/meta-data",
                "https://169.254.170.2/v2/credentials", "https://169.254.170.23/v1/credentials",
                "https://192.0.0.192/opc/v2/instance", "https://[fd00:ec2::23]/x", "https://[fd20:ce::254]/x",
                "https://[::ffff:169.254.169.254]/x", "https://[64:ff9b::a9fe:a9fe]/x", "https://[64:ff9b::808:808]/x",
                "https://[2002:a9fe:a9fe::1]/x", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/x",
                "https://169.254.10.10/x", "https://[fe80::1]/x",
                "https://metadata.google.internal/computeMetadata/v1/"}) {
            Api.json("{\"url\": \"" + url + "\"}").post("/v1/partners/" + partner + "/webhook-endpoints")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("url"))
                    .body("errors[0].message", containsString("never allowed"));
        }
        Api.json("{\"url\": \"https://169.254.169.254/latest/meta-data\"}")
                .post("/v1/partners/" + partner + "/webhook-endpoints")
                .then().statusCode(400).body("errors[0].message", containsString("cloud metadata address"));
    }

    /** A name resolving to an internal address: the answer names the rule, not the address it resolved to. */
    @Test
    void theRefusalDoesNotRevealTheResolvedAddress() {
        String partner = WebhookFixtures.partner();
        String message = Api.json("{\"url\": \"https://localhost/x\"}")
                .post("/v1/partners/" + partner + "/webhook-endpoints")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("url"))
                .extract().path("errors[0].message");
        assertTrue(message.contains("loopback address"), message);
        assertFalse(message.contains("127.0.0.1") || message.contains("::1") || message.contains("0:0:0:0:0:0:0:1"),
                message);
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
            // every attempt (retries follow 1 s apart, so how many there are by now is a matter of timing) is refused
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> Api.given().get(path + "/deliveries").then()
                    .body("items[0].attempts", not(empty()))
                    .body("items[0].attempts.error", everyItem(containsString("loopback"))));
            assertEquals(0, r.requests().size());
        }
    }
}
