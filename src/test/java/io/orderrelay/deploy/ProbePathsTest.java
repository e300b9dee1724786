package io.orderrelay.deploy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The paths the Kubernetes probes call (deploy/k8s/base/deployment.yaml) are served, and UP once started. */
@QuarkusTest
class ProbePathsTest {

    @ParameterizedTest
    @ValueSource(strings = { "/q/health/ready", "/q/health/live", "/q/health/started" })
    void probePathAnswers200Up(String path) {
        given().when().get(path)
                .then().statusCode(200)
                .body("status", equalTo("UP"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "/q/metrics" })
    void scrapePathAnswers200(String path) {
        given().when().get(path).then().statusCode(200);
    }
}
