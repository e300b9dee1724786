package io.orderrelay.sandbox;

import static io.orderrelay.sandbox.SandboxCatalogTest.upstream;
import static io.orderrelay.sandbox.SandboxOrdersTest.createBody;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SandboxFaultsTest {

    @Inject
    SandboxControl sandbox;

    @AfterEach
    void clearFaults() {
        sandbox.clearFaults();
    }

    private static HttpRequest.Builder request(String path) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sandbox" + path))
                .header("X-Cr-Application", "sandbox-test").header("Content-Type", "application/json");
    }

    @Test
    void httpStatusFaultAnswersTheStatusThenGoesAway() {
        given().contentType(ContentType.JSON)
                .body("{\"kind\":\"http_status\",\"status\":429,\"retry_after\":7,\"path_prefix\":\"/v3/payment_vias\",\"times\":2}")
                .post("/sandbox/control/faults").then().statusCode(201)
                .body("id", not(nullValue())).body("kind", equalTo("http_status")).body("times", equalTo(2));
        given().get("/sandbox/control/faults").then().statusCode(200).body("kind", hasItem("http_status"));
        for (int i = 0; i < 2; i++) {
            upstream().get("/v3/payment_vias").then().statusCode(429).header("Retry-After", "7")
                    .body("status", equalTo(429)).body("detail", equalTo("Too Many Requests"));
        }
        upstream().get("/v3/payment_vias").then().statusCode(200);
        given().get("/sandbox/control/faults").then().body("$", hasSize(0));
    }

    @Test
    void httpStatusFaultCanUseTheMessageShapeAndLastForever() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.httpStatus(503).withBodyShape("message").forOrder(id).times(-1));
        for (int i = 0; i < 3; i++) {
            upstream().get("/v5/orders/" + id).then().statusCode(503).body("message", equalTo("Service Unavailable"));
        }
        String other = SandboxOrdersTest.createOrder();
        upstream().get("/v5/orders/" + other).then().statusCode(200);
        given().delete("/sandbox/control/faults").then().statusCode(204);
        upstream().get("/v5/orders/" + id).then().statusCode(200);
    }

    @Test
    void http429OnCreateCreatesNothing() {
        int before = sandbox.orders().size();
        sandbox.addFault(Fault.httpStatus(429).onPath("POST", "/v5/orders"));
        upstream().contentType(ContentType.JSON).body(createBody("buyer@example.com", "Airbnb", "100", 1))
                .post("/v5/orders").then().statusCode(429);
        assertEquals(before, sandbox.orders().size());
    }

    @Test
    void delayFaultSlowsTheAnswer() {
        sandbox.addFault(Fault.delay(600).onPath("GET", "/v3/payment_vias"));
        long start = System.nanoTime();
        upstream().get("/v3/payment_vias").then().statusCode(200);
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 550);
    }

    @Test
    void createTimeoutCreatesTheOrderButAnswersLate() throws Exception {
        sandbox.clearRequests();
        int before = sandbox.orders().size();
        sandbox.addFault(Fault.createTimeout(3000));
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest req = request("/v5/orders").timeout(Duration.ofMillis(500))
                .POST(HttpRequest.BodyPublishers.ofString(createBody("buyer@example.com", "Airbnb", "100", 1))).build();
        assertThrows(HttpTimeoutException.class, () -> client.send(req, HttpResponse.BodyHandlers.ofString()));
        // the client gives up after 500 ms whether or not the (busy) server has handled the create yet: wait for
        // it, so that the order exists and no late create can take the next test's fault
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEquals(before + 1, sandbox.orders().size(),
                "the order exists upstream although the client timed out"));
        assertEquals(1, sandbox.count("POST", "/v5/orders"));
    }

    @Test
    void createFailAfterCreateAnswers5xxWithTheOrderCreated() {
        int before = sandbox.orders().size();
        given().contentType(ContentType.JSON).body("{\"kind\":\"create_fail_after_create\",\"status\":502}")
                .post("/sandbox/control/faults").then().statusCode(201);
        upstream().contentType(ContentType.JSON).body(createBody("buyer@example.com", "Airbnb", "100", 1))
                .post("/v5/orders").then().statusCode(502).body("status", equalTo(502));
        assertEquals(before + 1, sandbox.orders().size());
    }

    @Test
    void createFailAfterCreateCanResetTheConnection() {
        int before = sandbox.orders().size();
        sandbox.addFault(Fault.createResetAfterCreate());
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest req = request("/v5/orders").timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(createBody("buyer@example.com", "Airbnb", "100", 1))).build();
        assertThrows(java.io.IOException.class, () -> client.send(req, HttpResponse.BodyHandlers.ofString()));
        assertEquals(before + 1, sandbox.orders().size());
    }

    @Test
    void stringTimestampsOnGet() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.of(Fault.Kind.STRING_TIMESTAMPS).forOrder(id));
        upstream().get("/v5/orders/" + id).then().statusCode(200)
                .body("created_at", instanceOf(String.class)).body("updated_at", instanceOf(String.class));
        upstream().get("/v5/orders/" + id).then().statusCode(200).body("updated_at", instanceOf(Number.class));
    }

    @Test
    void refusesAnInvalidFault() {
        given().contentType(ContentType.JSON).body("{\"kind\":\"nope\"}").post("/sandbox/control/faults")
                .then().statusCode(400).body("message", org.hamcrest.Matchers.containsString("http_status"));
        given().contentType(ContentType.JSON).body("{\"kind\":\"malformed_message\",\"variants\":[\"x\"]}")
                .post("/sandbox/control/faults").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"kind\":\"delay\",\"times\":0}")
                .post("/sandbox/control/faults").then().statusCode(400);
    }

    @Test
    void resetForgetsOrdersFaultsAndRequests() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.httpStatus(500).onPath(null, "/v2/brands"));
        given().post("/sandbox/control/reset").then().statusCode(204);
        assertTrue(sandbox.order(id).isEmpty());
        assertTrue(sandbox.faults().isEmpty());
        assertTrue(sandbox.requests().isEmpty());
    }
}
