package io.orderrelay.sandbox;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SandboxCatalogTest {

    @Inject
    SandboxControl sandbox;

    static RequestSpecification upstream() {
        return given().header("X-Cr-Application", "sandbox-test").header("X-Cr-Version", "9.9.9")
                .header("X-Country-ISO-Code", "US").basePath("/sandbox");
    }

    @Test
    void refusesRequestsWithoutApplicationHeader() {
        given().get("/sandbox/v3/payment_vias").then().statusCode(401)
                .body("status", equalTo(401)).body("detail", equalTo("Missing X-Cr-Application header"));
    }

    @Test
    void recordsEveryUpstreamRequestWithItsHeaders() {
        upstream().queryParam("country_code", "GB").get("/v2/brands").then().statusCode(200);
        RecordedRequest last = sandbox.requests("GET", "/v2/brands").stream()
                .filter(r -> "country_code=GB".equals(r.query())).reduce((a, b) -> b).orElseThrow();
        org.junit.jupiter.api.Assertions.assertEquals("sandbox-test", last.xCrApplication());
        org.junit.jupiter.api.Assertions.assertEquals("9.9.9", last.xCrVersion());
        org.junit.jupiter.api.Assertions.assertEquals("US", last.xCountryIsoCode());

        given().queryParam("method", "GET").queryParam("path_prefix", "/v2/brands").get("/sandbox/control/requests")
                .then().statusCode(200)
                .body("findAll { it.query == 'country_code=GB' }.x_cr_application", hasItem("sandbox-test"))
                .body("findAll { it.query == 'country_code=GB' }.headers.'x-cr-version'", hasItem("9.9.9"));
    }

    @Test
    void listsPaymentViasWithUsdcOnSolana() {
        upstream().get("/v3/payment_vias").then().statusCode(200)
                .body("find { it.name == 'USER_WALLET' }.available", equalTo(true))
                .body("find { it.name == 'USER_WALLET' }.currencies.find { it.name == 'USDC' }.networks.name",
                        hasItems("Solana", "Base", "Polygon", "Arbitrum", "Ethereum"))
                .body("find { it.name == 'USER_WALLET' }.currencies.find { it.name == 'DOGE' }.is_suspended", equalTo(true));
    }

    @Test
    void listsBrandsOfACountryAndNoneOfAnUnknownOne() {
        upstream().queryParam("country_code", "US").get("/v2/brands").then().statusCode(200)
                .body("brand_name", hasItems("Airbnb", "Amazon", "Netflix", "Steam", "Uber"))
                .body("currency", everyItem(equalTo("USD")));
        upstream().queryParam("country_code", "ZZ").get("/v2/brands").then().statusCode(200).body("$", empty());
        upstream().get("/v2/brands").then().statusCode(400).body("status", equalTo(400))
                .body("moreDetails", containsString("country_code"));
    }

    @Test
    void servesAHomepagePerCountry() {
        upstream().queryParam("country_code", "FR").get("/v2/homepage").then().statusCode(200)
                .body("country_code", equalTo("FR")).body("sections", not(empty()))
                .body("sections[0].brands.brand_name", hasItem("Airbnb"));
        upstream().queryParam("country_code", "ZZ").get("/v2/homepage").then().statusCode(200).body("sections", empty());
    }

    @Test
    void listsProductsWithExactCoinAmounts() {
        upstream().queryParam("family_name", "airbnb").queryParam("coin", "BTC").queryParam("lang", "en")
                .get("/v5/products/country/US").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].brand_name", equalTo("Airbnb"))
                .body("[0].denominations.find { it.face_value == '100' }.coin_amount", equalTo("0.00166667"))
                .body("[0].denominations.find { it.face_value == '100' }.denomination", equalTo("100 USD"));
        upstream().get("/v5/products/country/DE").then().statusCode(200).body("currency", everyItem(equalTo("EUR")));
        upstream().get("/v5/products/country/ZZ").then().statusCode(404).body("message", containsString("ZZ"));
        upstream().queryParam("coin", "NOPE").get("/v5/products/country/US").then().statusCode(400);
    }

    @Test
    void pricesAFaceValueAsADecimalString() {
        upstream().queryParam("brand_name", "Airbnb").queryParam("country_code", "US").queryParam("face_value", "100")
                .queryParam("coin", "USDC").get("/v4/products/price").then().statusCode(200)
                .body("coin_amount", equalTo("100.00")).body("currency", equalTo("USD"));
        // 50 GBP at 1.27 USD/GBP = 63.5 USD = 0.021166666.. ETH, rounded up to 8 decimals
        upstream().queryParam("brand_name", "Netflix").queryParam("country_code", "GB").queryParam("face_value", "50")
                .queryParam("coin", "ETH").get("/v4/products/price").then().statusCode(200)
                .body("coin_amount", equalTo("0.02116667"));
        upstream().queryParam("brand_name", "Airbnb").queryParam("country_code", "US").queryParam("face_value", "33")
                .queryParam("coin", "USDC").get("/v4/products/price").then().statusCode(404)
                .body("message", equalTo("Product not found"));
        upstream().queryParam("brand_name", "Airbnb").get("/v4/products/price").then().statusCode(400)
                .body("moreDetails", containsString("face_value"));
    }
}
