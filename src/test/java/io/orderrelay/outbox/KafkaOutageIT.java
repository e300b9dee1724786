package io.orderrelay.outbox;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.orderrelay.config.RelayConfig;
import io.orderrelay.outbox.UnreliableKafka.InjectProxy;
import io.orderrelay.support.WireMockUpstream;
import io.orderrelay.support.WireMockUpstream.InjectUpstream;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

/** The broker goes away while orders move on, then comes back: everything arrives, in order, nothing lost. */
@QuarkusTest
@WithTestResource(WireMockUpstream.class)
@WithTestResource(UnreliableKafka.class)
class KafkaOutageIT {

    @InjectUpstream
    WireMockServer upstream;
    @InjectProxy
    TcpProxy broker;
    @Inject
    EntityManager em;
    @Inject
    RelayConfig config;

    @Test
    void keepsRecordingDuringAnOutageAndPublishesTheBacklogInOrderWhenTheBrokerReturns() {
        OrderDriver orders = new OrderDriver(upstream);
        try (TopicReader topic = new TopicReader("localhost:" + broker.port(), config.kafka().topic())) {
            List<OrderDriver.Placed> before = List.of(orders.place(), orders.place(), orders.place());
            List<UUID> all = new ArrayList<>(before.stream().map(OrderDriver.Placed::id).toList());
            await().atMost(Duration.ofSeconds(30)).until(() -> distinct(topic, all) == 2 * before.size());

            broker.stop();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> RestAssured.get("/q/health/well").then()
                    .statusCode(503)
                    .body("checks.find { it.name == 'Kafka outbox' }.data.broker", equalTo("unreachable")));
            // the replica still serves (the outbox keeps every transition): Kafka is not readiness, nor liveness
            RestAssured.get("/q/health/ready").then().statusCode(200);
            RestAssured.get("/q/health/live").then().statusCode(200);
            before.forEach(orders::complete);
            List<OrderDriver.Placed> during = List.of(orders.placeAndComplete(), orders.placeAndComplete());
            during.forEach(o -> all.add(o.id()));
            int backlog = 3 * before.size() + OrderDriver.LIFECYCLE_TRANSITIONS * during.size();
            assertEquals(backlog, pending(all), "transitions recorded while Kafka is away wait in the outbox");
            // the backlog ages past relay.outbox.max-pending-age (3 s here): the wellness check says so, and
            // readiness still does not take the replica out of the Service
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> RestAssured.get("/q/health/well").then()
                    .statusCode(503)
                    .body("checks.find { it.name == 'Kafka outbox' }.data.backlog_rows", equalTo(backlog))
                    .body("checks.find { it.name == 'Kafka outbox' }.data.reason", notNullValue()));
            RestAssured.get("/q/health/ready").then().statusCode(200);
            assertEquals(0, (int) RestAssured.get("/q/health/well").then().extract()
                    .path("checks.find { it.name == 'Kafka outbox' }.data.parked_rows"), "a broker away parks nothing");

            broker.start();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> distinct(topic, all) == OrderDriver.LIFECYCLE_TRANSITIONS * all.size());
            Map<String, List<JsonNode>> byOrder = TopicReader.dedupedByOrder(topic.recordsOf(all));
            for (UUID id : all) {
                assertEquals(List.of(1, 2, 3, 4, 5), byOrder.get(id.toString()).stream()
                        .map(e -> e.at("/data/sequence").asInt()).toList(), "events of " + id + " in sequence order");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> pending(all) == 0);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> RestAssured.get("/q/health/well").then()
                    .statusCode(200));
        } finally {
            broker.start();
        }
    }

    private static int distinct(TopicReader topic, List<UUID> orders) {
        return TopicReader.dedupedByOrder(topic.recordsOf(orders)).values().stream().mapToInt(List::size).sum();
    }

    private long pending(List<UUID> orders) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em
                .createNativeQuery("select count(*) from outbox where sent_at is null and order_id = any(?1)")
                .setParameter(1, orders.toArray(UUID[]::new)).getSingleResult()).longValue());
    }
}
