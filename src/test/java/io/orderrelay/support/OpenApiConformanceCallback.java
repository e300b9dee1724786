package io.orderrelay.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;

/**
 * Installs {@link OpenApiConformance} as a global RestAssured filter before every @QuarkusTest method, once
 * (registered in META-INF/services): no test has to opt in, and none can forget to.
 */
public class OpenApiConformanceCallback implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (!RestAssured.filters().contains(OpenApiConformance.INSTANCE)) {
            RestAssured.filters(OpenApiConformance.INSTANCE);
        }
        OpenApiConformance.INSTANCE.testStarts();
    }
}
