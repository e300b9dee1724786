package io.orderrelay.catalog;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.orderrelay.support.Api;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(WireMockUpstream.class)
class CatalogTest {

    @InjectUpstream
    WireMockServer upstream;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    StaleWhileFailingCache cache;

    @BeforeEach
    void reset() {
        upstream.resetAll();
        breakers.resetAll();
        cache.clear();
    }

    @Test
    void passesTheCatalogueThroughWithTheCountryHeader() {
        upstream.stubFor(get(urlPathEqualTo("/v2/brands")).willReturn(okJson("[{\"name\": \"Airbnb\"}]")));

        Api.given().queryParam("country_code", "FR").get("/v1/catalog/brands")
                .then().statusCode(200)
                .body("[0].name", equalTo("Airbnb"))
                .header("X-Catalog-Stale", nullValue());

        upstream.verify(getRequestedFor(urlPathEqualTo("/v2/brands"))
                .withQueryParam("country_code", com.github.tomakehurst.wiremock.client.WireMock.equalTo("FR"))
                .withHeader("X-Country-ISO-Code", com.github.tomakehurst.wiremock.client.WireMock.equalTo("FR"))
                .withHeader("X-Cr-Application", com.github.tomakehurst.wiremock.client.WireMock.equalTo("sandbox-partner")));
    }

    @Test
    void servesEveryCatalogueEndpoint() {
        upstream.stubFor(get("/v3/payment_vias").willReturn(okJson("[{\"name\": \"USER_WALLET\"}]")));
        upstream.stubFor(get(urlPathEqualTo("/v2/homepage")).willReturn(okJson("{\"sections\": []}")));
        upstream.stubFor(get(urlPathEqualTo("/v5/products/country/US")).willReturn(okJson("[{\"brand_name\": \"Airbnb\"}]")));
        upstream.stubFor(get(urlPathEqualTo("/v4/products/price")).willReturn(okJson("{\"coin_amount\": \"100.00\"}")));

        Api.given().get("/v1/catalog/payment-vias").then().statusCode(200).body("[0].name", equalTo("USER_WALLET"));
        Api.given().queryParam("country_code", "US").get("/v1/catalog/homepage").then().statusCode(200)
                .body("sections", notNullValue());
        Api.given().queryParam("family_name", "airbnb").queryParam("coin", "USDC").queryParam("lang", "en")
                .get("/v1/catalog/products/US").then().statusCode(200).body("[0].brand_name", equalTo("Airbnb"));
        Api.given().queryParam("brand_name", "Airbnb").queryParam("country_code", "US").queryParam("face_value", "100")
                .queryParam("coin", "USDC").get("/v1/catalog/price").then().statusCode(200)
                .body("coin_amount", equalTo("100.00"));
    }

    @Test
    void retriesARateLimitedReadAfterTheDelayUpstreamAskedFor() {
        upstream.stubFor(get(urlPathEqualTo("/v2/brands")).inScenario("429").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1"))
                .willSetStateTo("cooled down"));
        upstream.stubFor(get(urlPathEqualTo("/v2/brands")).inScenario("429").whenScenarioStateIs("cooled down")
                .willReturn(okJson("[{\"name\": \"Steam\"}]")));

        Api.given().queryParam("country_code", "DE").get("/v1/catalog/brands")
                .then().statusCode(200).body("[0].name", equalTo("Steam"));

        List<LoggedRequest> calls = upstream.findAll(getRequestedFor(urlPathEqualTo("/v2/brands")));
        assertEquals(2, calls.size());
        long waitedMillis = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertTrue(waitedMillis >= 950, "retried after " + waitedMillis + " ms although upstream asked for 1 s");
    }

    @Test
    void servesTheLastGoodAnswerMarkedStaleWhenUpstreamFails() {
        upstream.stubFor(get(urlPathEqualTo("/v2/homepage")).willReturn(okJson("{\"sections\": [\"featured\"]}")));
        Api.given().queryParam("country_code", "GB").get("/v1/catalog/homepage").then().statusCode(200);

        // the homepage TTL is 0 in this test: every call goes upstream, which now fails
        upstream.stubFor(get(urlPathEqualTo("/v2/homepage")).willReturn(aResponse().withStatus(503)));
        Api.given().queryParam("country_code", "GB").get("/v1/catalog/homepage")
                .then().statusCode(200)
                .header("X-Catalog-Stale", "true")
                .header("X-Catalog-Fetched-At", notNullValue())
                .body("sections[0]", equalTo("featured"));
    }

    @Test
    void answersServiceUnavailableWhenUpstreamFailsAndNothingIsCached() {
        upstream.stubFor(get(urlPathEqualTo("/v2/homepage")).willReturn(aResponse().withStatus(500)));

        Api.given().queryParam("country_code", "IT").get("/v1/catalog/homepage")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue());
    }

    @Test
    void opensTheCircuitSoAFailingUpstreamIsNoLongerCalled() {
        upstream.stubFor(get("/v3/payment_vias").willReturn(aResponse().withStatus(503)));

        for (int i = 0; i < 4; i++) {
            Api.given().get("/v1/catalog/payment-vias").then().statusCode(503);
        }
        int callsWhenOpen = upstream.findAll(getRequestedFor(urlPathEqualTo("/v3/payment_vias"))).size();
        Api.given().get("/v1/catalog/payment-vias").then().statusCode(503).contentType("application/problem+json");
        Api.given().get("/v1/catalog/payment-vias").then().statusCode(503);

        assertEquals(callsWhenOpen, upstream.findAll(getRequestedFor(urlPathEqualTo("/v3/payment_vias"))).size(),
                "calls reached upstream while the circuit should be open");
        assertTrue(callsWhenOpen <= 12, "the circuit never opened: " + callsWhenOpen + " calls");
    }

    @Test
    void aFilterSpelledNullDoesNotFillTheUnfilteredEntry() {
        // upstream knows no family "null": that query is empty, the unfiltered one is not
        upstream.stubFor(get(urlPathEqualTo("/v5/products/country/US")).atPriority(1)
                .withQueryParam("family_name", com.github.tomakehurst.wiremock.client.WireMock.equalTo("null"))
                .willReturn(okJson("[]")));
        upstream.stubFor(get(urlPathEqualTo("/v5/products/country/US")).atPriority(2)
                .willReturn(okJson("[{\"brand_name\": \"Airbnb\"}]")));

        Api.given().queryParam("family_name", "null").get("/v1/catalog/products/US").then().statusCode(200)
                .body("size()", equalTo(0));
        Api.given().get("/v1/catalog/products/US").then().statusCode(200).body("[0].brand_name", equalTo("Airbnb"));
    }

    @Test
    void passesUpstreamTextThroughEvenWithControlCharacters() {
        // the refusal of control characters is for what callers send us, not for what upstream answers
        upstream.stubFor(get(urlPathEqualTo("/v2/brands")).willReturn(okJson("[{\"name\": \"Air\\tbnb\\u0001\"}]")));

        Api.given().queryParam("country_code", "NL").get("/v1/catalog/brands")
                .then().statusCode(200).body("[0].name", equalTo("Air\tbnb\u0001"));
    }

    @Test
    void refusesBadCatalogueQueries() {
        Api.given().get("/v1/catalog/brands").then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("country_code"));
        Api.given().queryParam("country_code", "USA").get("/v1/catalog/brands").then().statusCode(400)
                .body("errors.field", hasItem("country_code"));
        Api.given().queryParam("brand_name", "Airbnb").queryParam("country_code", "US").queryParam("face_value", "-5")
                .queryParam("coin", "USDC").get("/v1/catalog/price").then().statusCode(400)
                .body("errors.field", hasItem("face_value"));
        Api.given().get("/v1/catalog/products/XX").then().statusCode(400).body("errors.field", hasItem("country_code"));
    }
}
