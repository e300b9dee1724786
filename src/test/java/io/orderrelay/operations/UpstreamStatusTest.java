package io.orderrelay.operations;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;

import jakarta.inject.Inject;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.catalog.StaleWhileFailingCache;
import io.orderrelay.support.Api;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GET /v1/admin/status follows upstream failing: the catalogue served stale, then the circuit of the call open. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class UpstreamStatusTest {

    static final String HOMEPAGE = "/v2/homepage";
    static final String CIRCUIT = "upstream.circuits.find { it.name == 'upstream-homepage' }.state";

    @InjectUpstream
    WireMockServer upstream;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    StaleWhileFailingCache cache;

    @BeforeEach
    @AfterEach
    void reset() {
        upstream.resetAll();
        breakers.resetAll();
        cache.clear();
    }

    @Test
    void theCatalogueTurnsStaleAndTheCircuitOpensWhileUpstreamFails() {
        upstream.stubFor(get(urlPathEqualTo(HOMEPAGE)).willReturn(okJson("{\"sections\": [\"featured\"]}")));
        homepage();
        Api.given().get("/v1/admin/status").then().statusCode(200)
                .body("upstream.catalogue.stale", equalTo(false))
                .body("upstream.catalogue.last_refresh_at", notNullValue())
                .body("upstream.catalogue.last_stale_at", nullValue())
                .body(CIRCUIT, equalTo("closed"));

        upstream.stubFor(get(urlPathEqualTo(HOMEPAGE)).willReturn(aResponse().withStatus(503)));
        homepage();
        Api.given().get("/v1/admin/status").then().statusCode(200)
                .body("upstream.catalogue.stale", equalTo(true))
                .body("upstream.catalogue.last_stale_at", notNullValue());

        // each failed call counts (retries included): the circuit opens after enough of them
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            homepage();
            return "open".equals(Api.given().get("/v1/admin/status").then().extract().path(CIRCUIT));
        });
    }

    private static void homepage() {
        Api.given().queryParam("country_code", "GB").get("/v1/catalog/homepage").then().statusCode(200);
    }
}
