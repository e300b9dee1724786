package io.orderrelay.tracing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.support.Api;
import io.orderrelay.support.UpstreamFixtures;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.orderrelay.testing.LogCapture;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lines written while a REST request works on one order carry its {@code order_id} (MDC, a field of the prod JSON
 * lines), and the caller's trace ({@code traceId}, set by quarkus-opentelemetry).
 */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class OrderLogContextTest {

    @InjectUpstream
    WireMockServer upstream;

    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeEach
    void reset() {
        UpstreamFixtures.resetAcceptingValidations(upstream, breakers);
    }

    @Test
    void placementLinesCarryTheNewOrdersIdAndTheCallersTrace() {
        upstream.stubFor(post("/v5/orders").willReturn(okJson(UpstreamFixtures.order(UUID.randomUUID().toString(),
                "WaitingForPayment", 1764064800.5))));
        String traceId = randomHex(32);
        try (LogCapture logs = LogCapture.start()) {
            String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference()))
                    .header("traceparent", "00-" + traceId + "-" + randomHex(16) + "-01")
                    .post("/v1/orders").then().statusCode(201).extract().path("id");

            LogCapture.Line placed = about(logs, id, "placed upstream").get(0);
            assertEquals(id, placed.mdc().get(OrderMdc.KEY), placed.toString());
            assertEquals(traceId, placed.mdc().get("traceId"), placed.toString());
        }
    }

    @Test
    void resolveAndRedemptionRevealLinesCarryTheOrderOfThePath() {
        upstream.stubFor(post("/v5/orders").willReturn(aResponse().withStatus(503)));
        String id = Api.json(UpstreamFixtures.createBody(UpstreamFixtures.reference())).post("/v1/orders")
                .then().statusCode(502).extract().path("order_id");
        try (LogCapture logs = LogCapture.start()) {
            Api.json("{\"state\": \"Rejected\", \"reason\": \"not found upstream by support\"}")
                    .post("/v1/orders/" + id + "/resolve").then().statusCode(200);
            Api.given().get("/v1/orders/" + id + "/deliveries").then().statusCode(200);

            List<LogCapture.Line> lines = about(logs, id, "resolved as Rejected");
            lines.addAll(about(logs, id, "Audit: redemption data"));
            assertEquals(2, lines.size(), lines.toString());
            lines.forEach(line -> assertEquals(id, line.mdc().get(OrderMdc.KEY), line.toString()));
        }
    }

    /** The captured lines naming the order and containing {@code text}. */
    private static List<LogCapture.Line> about(LogCapture logs, String orderId, String text) {
        List<LogCapture.Line> lines = new java.util.ArrayList<>(logs.lines().stream()
                .filter(line -> line.message().contains(orderId) && line.message().contains(text)).toList());
        if (lines.isEmpty()) {
            throw new AssertionError("no line \"" + text + "\" about " + orderId + " in " + logs.lines());
        }
        return lines;
    }

    private static String randomHex(int length) {
        return UUID.randomUUID().toString().replace("-", "").concat(UUID.randomUUID().toString().replace("-", ""))
                .substring(0, length);
    }
}
