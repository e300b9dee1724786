package io.orderrelay.dev;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.support.UpstreamFixtures;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * What the packaged application needs around it in its prod profile, as a deployment gives it: a PostgreSQL database
 * and a Kafka broker (the same local services as dev and test, started here in the test JVM and reached over TCP:
 * the jar itself has no embedded service), an upstream (WireMock, answering the calls of one placement and streaming
 * that order to Done), and strong keys, which the prod start insists on. The values reach the jar as system
 * properties.
 */
public class PackagedAppStack implements QuarkusTestResourceLifecycleManager {

    /** The upstream id of the one order upstream knows: every create answers it. */
    public static final String UPSTREAM_ORDER_ID = UUID.randomUUID().toString();
    /** The bootstrap admin key the jar starts with: random, long, never a placeholder. */
    public static final String ADMIN_KEY = "ork_it_" + random(24, Base64.getUrlEncoder().withoutPadding());

    private WireMockServer upstream;

    @Override
    public Map<String, String> start() {
        Map<String, String> db = LocalStack.postgres("packaged");
        String kafka = LocalStack.kafka("packaged");
        upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        stubOneOrder(upstream);

        Map<String, String> props = new HashMap<>();
        // the prod profile reads these two from the environment variables named in application.properties
        props.put("QUARKUS_DATASOURCE_JDBC_URL", db.get("url"));
        props.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
        props.put("quarkus.datasource.username", db.get("username"));
        props.put("quarkus.datasource.password", db.get("password"));
        // every run starts from an empty schema: the database outlives the run
        props.put("quarkus.flyway.clean-at-start", "true");
        props.put("quarkus.flyway.clean-disabled", "false");
        props.put("relay.upstream.url", upstream.baseUrl());
        props.put("relay.upstream.partner-id", "it-partner");
        props.put("relay.bootstrap-admin-key", ADMIN_KEY);
        props.put("relay.secrets-key", random(32, Base64.getEncoder()));
        return props;
    }

    /** Validation passes, the create answers WaitingForPayment, the stream brings the rest up to Done. */
    private static void stubOneOrder(WireMockServer upstream) {
        upstream.stubFor(post("/v5/orders/validations").willReturn(okJson(UpstreamFixtures.VALID)));
        upstream.stubFor(post("/v5/orders").willReturn(
                okJson(UpstreamFixtures.order(UPSTREAM_ORDER_ID, "WaitingForPayment", 1764064800.5))));
        upstream.stubFor(get(urlPathEqualTo("/v5/orders/" + UPSTREAM_ORDER_ID)).willReturn(
                okJson(UpstreamFixtures.order(UPSTREAM_ORDER_ID, "Done", 1764064830.5))));
        String stream = message("PaymentReceived", 1764064810.5) + message("WaitingForDelivery", 1764064820.5)
                + message("Done", 1764064830.5) + "event: stop\ndata: {\"order_id\": \"" + UPSTREAM_ORDER_ID
                + "\", \"order_state\": \"Done\"}\n\n";
        upstream.stubFor(get(urlPathEqualTo("/v5/orders/" + UPSTREAM_ORDER_ID + "/subscribe")).willReturn(aResponse()
                .withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(stream)));
    }

    private static String message(String state, double updatedAt) {
        return "data: " + UpstreamFixtures.order(UPSTREAM_ORDER_ID, state, updatedAt).replace('\n', ' ') + "\n\n";
    }

    private static String random(int bytes, Base64.Encoder encoder) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return encoder.encodeToString(b);
    }

    @Override
    public void stop() {
        if (upstream != null) {
            upstream.stop();
        }
    }
}
