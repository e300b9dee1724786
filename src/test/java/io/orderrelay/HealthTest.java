package io.orderrelay;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.time.Duration;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The health checks that name the database and the broker are there and UP (the broker going DOWN while readiness
 * stays UP: outbox/KafkaOutageIT).
 */
@QuarkusTest
class HealthTest {

    private static final String DATABASE = "checks.find { it.name == 'Database connections health check' }";
    private static final String BROKER = "checks.find { it.name == 'Kafka outbox' }";

    @Test
    void readinessChecksBothDatabasesConnectionsByName() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body(DATABASE + ".status", equalTo("UP"))
                .body(DATABASE + ".data.'<default>'", equalTo("UP"))
                .body(DATABASE + ".data.leases", equalTo("UP"));
    }

    @Test
    void theBrokerCheckReachesTheBrokerAndReportsTheOutboxBacklog() {
        // the check gives the broker 3 s to describe itself: on a loaded machine the first call may miss that
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/well")
                .then().statusCode(200)
                .body(BROKER + ".status", equalTo("UP"))
                .body(BROKER + ".data.broker", equalTo("reachable"))
                .body(BROKER + ".data.broker_nodes", greaterThanOrEqualTo(1)));
        given().when().get("/q/health")
                .then().statusCode(200)
                .body(BROKER + ".status", equalTo("UP"))
                .body(DATABASE + ".status", equalTo("UP"));
    }
}
