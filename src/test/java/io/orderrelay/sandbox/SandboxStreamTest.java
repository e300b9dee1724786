package io.orderrelay.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderrelay.support.SseClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SandboxStreamTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    SandboxControl sandbox;

    @Inject
    ObjectMapper mapper;

    @AfterEach
    void clearFaults() {
        sandbox.clearFaults();
    }

    private JsonNode json(SseClient.Event e) {
        try {
            return mapper.readTree(e.data());
        } catch (Exception ex) {
            throw new AssertionError("not JSON: " + e.data(), ex);
        }
    }

    private List<String> states(SseClient c) {
        return c.named("message").stream().map(e -> json(e).path("order_state").asText()).toList();
    }

    /** A subscriber as the relay is one: with the X-Cr-Application header upstream requires. */
    private static SseClient open(String path) {
        return SseClient.open(path, java.util.Map.of("X-Cr-Application", "sandbox-test"));
    }

    private static String path(String id) {
        return "/sandbox/v5/orders/" + id + "/subscribe";
    }

    @Test
    void streamsTheCurrentOrderThenEachChangeThenStop() throws Exception {
        String id = SandboxOrdersTest.createOrder();
        try (SseClient c = open(path(id))) {
            await().atMost(WAIT).until(() -> c.named("message").size() == 1);
            assertEquals(200, c.status);
            assertEquals("text/event-stream", c.headers.firstValue("Content-Type").orElseThrow());
            assertEquals("no-cache, no-transform", c.headers.firstValue("Cache-Control").orElseThrow());
            assertEquals("no", c.headers.firstValue("X-Accel-Buffering").orElseThrow());
            assertEquals(1, sandbox.subscriberCount(id));
            sandbox.advance(id);
            sandbox.advance(id);
            sandbox.advance(id);
            c.ended.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of("WaitingForPayment", "PaymentReceived", "WaitingForDelivery", "Done"), states(c));
            assertTrue(c.stopped());
            assertEquals("stop", c.events.get(c.events.size() - 1).name());
            assertTrue(json(c.named("message").get(3)).at("/deliveries/0/deliverable/pin_code").isTextual());
            assertEquals(id, json(c.named("message").get(0)).get("order_id").asText());
        }
        await().atMost(WAIT).until(() -> sandbox.subscriberCount(id) == 0);
    }

    @Test
    void sendsTheTerminalOrderAndStopAtOnceForAFinishedOrder() throws Exception {
        String id = SandboxOrdersTest.createOrder();
        sandbox.setState(id, "Expired");
        try (SseClient c = open(path(id))) {
            c.ended.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of("Expired"), states(c));
            assertTrue(c.stopped());
        }
    }

    @Test
    void passesUnknownStatesOnWithoutStopping() {
        String id = SandboxOrdersTest.createOrder();
        try (SseClient c = open(path(id))) {
            await().atMost(WAIT).until(() -> c.named("message").size() == 1);
            sandbox.setState(id, "BrandNewState");
            await().atMost(WAIT).until(() -> c.named("message").size() == 2);
            assertEquals("BrandNewState", states(c).get(1));
            assertFalse(c.stopped());
            assertFalse(c.ended.isDone());
        }
    }

    @Test
    void answers404ForAnUnknownOrderAnd401WithoutHeader() {
        try (SseClient c = open(path(java.util.UUID.randomUUID().toString()))) {
            await().atMost(WAIT).until(() -> c.status == 404);
        }
        String id = SandboxOrdersTest.createOrder();
        try (SseClient c = SseClient.open(path(id), java.util.Map.of())) {
            await().atMost(WAIT).until(() -> c.status == 401);
        }
    }

    @Test
    void subscribeStatusFaultAnswersTheStatus() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.subscribeStatus(502).forOrder(id));
        try (SseClient c = open(path(id))) {
            await().atMost(WAIT).until(() -> c.status == 502);
        }
        try (SseClient c = open(path(id))) { // used once
            await().atMost(WAIT).until(() -> c.named("message").size() == 1);
        }
    }

    @Test
    void dropStreamCutsTheConnectionWithoutStop() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.dropStream(2).forOrder(id));
        try (SseClient c = open(path(id))) {
            await().atMost(WAIT).until(() -> c.named("message").size() == 1);
            sandbox.advance(id);
            await().atMost(WAIT).until(c.ended::isDone);
            assertTrue(c.ended.isCompletedExceptionally(), "the stream must break, not end cleanly");
            assertEquals(2, c.named("message").size());
            assertFalse(c.stopped());
        }
        await().atMost(WAIT).until(() -> sandbox.subscriberCount(id) == 0);
    }

    @Test
    void duplicateMessagesSendsEachMessageTwice() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.of(Fault.Kind.DUPLICATE_MESSAGES).forOrder(id));
        try (SseClient c = open(path(id))) {
            await().atMost(WAIT).until(() -> c.named("message").size() == 2);
            sandbox.advance(id);
            await().atMost(WAIT).until(() -> c.named("message").size() == 4);
            assertEquals(List.of("WaitingForPayment", "WaitingForPayment", "PaymentReceived", "PaymentReceived"), states(c));
        }
    }

    @Test
    void staleMessageFollowsEachMessageWithTheOlderSnapshot() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.advance(id);
        sandbox.addFault(Fault.of(Fault.Kind.STALE_MESSAGE).forOrder(id));
        try (SseClient c = open(path(id))) {
            await().atMost(WAIT).until(() -> c.named("message").size() == 2);
            assertEquals(List.of("PaymentReceived", "WaitingForPayment"), states(c));
            JsonNode current = json(c.named("message").get(0));
            JsonNode stale = json(c.named("message").get(1));
            assertTrue(stale.get("updated_at").decimalValue().compareTo(current.get("updated_at").decimalValue()) < 0);
        }
    }

    @Test
    void malformedMessagePrecedesTheRealOne() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.of(Fault.Kind.MALFORMED_MESSAGE).forOrder(id));
        try (SseClient c = open(path(id))) {
            await().atMost(WAIT).until(() -> c.named("message").size() == 5);
            List<SseClient.Event> m = c.named("message");
            assertThrowsJson(m.get(0).data());
            assertFalse(json(m.get(1)).has("order_state"));
            assertFalse(json(m.get(2)).get("order_id").asText().equals(id));
            assertTrue(json(m.get(3)).get("order_state").isNumber());
            assertEquals(id, json(m.get(4)).get("order_id").asText());
            assertEquals("WaitingForPayment", json(m.get(4)).get("order_state").asText());
        }
    }

    private void assertThrowsJson(String data) {
        try {
            mapper.readTree(data);
            throw new AssertionError("expected invalid JSON: " + data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException expected) {
            // good
        }
    }

    @Test
    void earlyStopEndsTheStreamOfAnOpenOrder() throws Exception {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.of(Fault.Kind.EARLY_STOP).forOrder(id));
        try (SseClient c = open(path(id))) {
            c.ended.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of("WaitingForPayment"), states(c));
            assertTrue(c.stopped());
        }
        assertEquals("WaitingForPayment", sandbox.order(id).orElseThrow().get("order_state").asText());
    }

    @Test
    void stringTimestampsOnTheStream() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.of(Fault.Kind.STRING_TIMESTAMPS).forOrder(id));
        try (SseClient c = open(path(id))) {
            await().atMost(WAIT).until(() -> c.named("message").size() == 1);
            JsonNode o = json(c.named("message").get(0));
            assertTrue(o.get("created_at").isTextual());
            assertTrue(o.get("updated_at").isTextual());
            new java.math.BigDecimal(o.get("updated_at").asText());
        }
    }

    @Test
    void holdsManyStreamsWithoutAThreadEach() {
        String id = SandboxOrdersTest.createOrder();
        List<SseClient> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                clients.add(open(path(id)));
            }
            await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.named("message").size() == 1));
            sandbox.advance(id);
            await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.named("message").size() == 2));
        } finally {
            clients.forEach(SseClient::close);
        }
    }
}
