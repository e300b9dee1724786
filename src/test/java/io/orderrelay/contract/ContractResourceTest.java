package io.orderrelay.contract;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The app serves the contracts of docs/, byte for byte, without an API key. */
@QuarkusTest
class ContractResourceTest {

    @Test
    void servesTheAsyncApiDocumentOfDocs() throws Exception {
        byte[] served = given().get("/v1/asyncapi.yaml").then().statusCode(200)
                .contentType("application/yaml").extract().asByteArray();

        assertArrayEquals(Files.readAllBytes(Path.of("docs/asyncapi.yaml")), served);
    }

    @ParameterizedTest
    @ValueSource(strings = {"order-event.v1.json", "order-event-with-secrets.v1.json", "order-transition.v1.json",
            "order-transition-with-secrets.v1.json", "webhook-test.v1.json", "webhook-test-event.v1.json"})
    void servesEverySchemaOfDocs(String file) throws Exception {
        byte[] served = given().get("/v1/schemas/" + file).then().statusCode(200)
                .contentType("application/schema+json").extract().asByteArray();

        assertArrayEquals(Files.readAllBytes(Path.of("docs/schemas", file)), served);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nothing.v1.json", "..%2Fapplication.properties", "order-event.v1.yaml"})
    void answersAnUnknownSchemaWithProblem404(String file) {
        given().urlEncodingEnabled(false).get("/v1/schemas/" + file).then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }
}
