package io.orderrelay.sandbox;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    private JsonNode json(SseTestClient.Event e) {
        try {
            return mapper.readTree(e.data());
        } catch (Exception ex) {
            throw new AssertionError("not JSON: " + e.data(), ex);
        }
    }

    private List<String> states(SseTestClient c) {
        return c.messages().stream().map(e -> json(e).path("order_state").asText()).toList();
    }

    private static String path(String id) {
        return "/sandbox/v5/orders/" + id + "/subscribe";
    }

    @Test
    void streamsTheCurrentOrderThenEachChangeThenStop() throws Exception {
        String id = SandboxOrdersTest.createOrder();
        try (SseTestClient c = SseTestClient.open(path(id))) {
            await().atMost(WAIT).until(() -> c.messages().size() == 1);
            assertEquals(200, c.status);
            assertEquals("text/event-stream", c.response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("no-cache, no-transform", c.response.headers().firstValue("Cache-Control").orElseThrow());
            assertEquals("no", c.response.headers().firstValue("X-Accel-Buffering").orElseThrow());
            assertEquals(1, sandbox.subscriberCount(id));
            sandbox.advance(id);
            sandbox.advance(id);
            sandbox.advance(id);
            c.ended.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of("WaitingForPayment", "PaymentReceived", "WaitingForDelivery", "Done"), states(c));
            assertTrue(c.stopped());
            assertEquals("stop", c.events.get(c.events.size() - 1).name());
            assertTrue(json(c.messages().get(3)).at("/deliveries/0/deliverable/pin_code").isTextual());
            assertEquals(id, json(c.messages().get(0)).get("order_id").asText());
        }
        await().atMost(WAIT).until(() -> sandbox.subscriberCount(id) == 0);
    }

    @Test
    void sendsTheTerminalOrderAndStopAtOnceForAFinishedOrder() throws Exception {
        String id = SandboxOrdersTest.createOrder();
        sandbox.setState(id, "Expired");
        try (SseTestClient c = SseTestClient.open(path(id))) {
            c.ended.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(List.of("Expired"), states(c));
            assertTrue(c.stopped());
        }
    }

    @Test
    void passesUnknownStatesOnWithoutStopping() {
        String id = SandboxOrdersTest.createOrder();
        try (SseTestClient c = SseTestClient.open(path(id))) {
            await().atMost(WAIT).until(() -> c.messages().size() == 1);
            sandbox.setState(id, "BrandNewState");
            await().atMost(WAIT).until(() -> c.messages().size() == 2);
            assertEquals("BrandNewState", states(c).get(1));
            assertFalse(c.stopped());
            assertFalse(c.ended.isDone());
        }
    }

    @Test
    void answers404ForAnUnknownOrderAnd401WithoutHeader() {
        try (SseTestClient c = SseTestClient.open(path(java.util.UUID.randomUUID().toString()))) {
            await().atMost(WAIT).until(() -> c.status == 404);
        }
        String id = SandboxOrdersTest.createOrder();
        try (SseTestClient c = SseTestClient.open(path(id), false)) {
            await().atMost(WAIT).until(() -> c.status == 401);
        }
    }

    @Test
    void subscribeStatusFaultAnswersTheStatus() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.subscribeStatus(502).forOrder(id));
        try (SseTestClient c = SseTestClient.open(path(id))) {
            await().atMost(WAIT).until(() -> c.status == 502);
        }
        try (SseTestClient c = SseTestClient.open(path(id))) { // used once
            await().atMost(WAIT).until(() -> c.messages().size() == 1);
        }
    }

    @Test
    void dropStreamCutsTheConnectionWithoutStop() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.dropStream(2).forOrder(id));
        try (SseTestClient c = SseTestClient.open(path(id))) {
            await().atMost(WAIT).until(() -> c.messages().size() == 1);
            sandbox.advance(id);
            await().atMost(WAIT).until(c.ended::isDone);
            assertTrue(c.ended.isCompletedExceptionally(), "the stream must break, not end cleanly");
            assertEquals(2, c.messages().size());
            assertFalse(c.stopped());
        }
        await().atMost(WAIT).until(() -> sandbox.subscriberCount(id) == 0);
    }

    @Test
    void duplicateMessagesSendsEachMessageTwice() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.of(Fault.Kind.DUPLICATE_MESSAGES).forOrder(id));
        try (SseTestClient c = SseTestClient.open(path(id))) {
            await().atMost(WAIT).until(() -> c.messages().size() == 2);
            sandbox.advance(id);
            await().atMost(WAIT).until(() -> c.messages().size() == 4);
            assertEquals(List.of("WaitingForPayment", "WaitingForPayment", "PaymentReceived", "PaymentReceived"), states(c));
        }
    }

    @Test
    void staleMessageFollowsEachMessageWithTheOlderSnapshot() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.advance(id);
        sandbox.addFault(Fault.of(Fault.Kind.STALE_MESSAGE).forOrder(id));
        try (SseTestClient c = SseTestClient.open(path(id))) {
            await().atMost(WAIT).until(() -> c.messages().size() == 2);
            assertEquals(List.of("PaymentReceived", "WaitingForPayment"), states(c));
            JsonNode current = json(c.messages().get(0));
            JsonNode stale = json(c.messages().get(1));
            assertTrue(stale.get("updated_at").decimalValue().compareTo(current.get("updated_at").decimalValue()) < 0);
        }
    }

    @Test
    void malformedMessagePrecedesTheRealOne() {
        String id = SandboxOrdersTest.createOrder();
        sandbox.addFault(Fault.of(Fault.Kind.MALFORMED_MESSAGE).forOrder(id));
        try (SseTestClient c = SseTestClient.open(path(id))) {
            await().atMost(WAIT).until(() -> c.messages().size() == 5);
            List<SseTestClient.Event> m = c.messages();
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
        try (SseTestClient c = SseTestClient.open(path(id))) {
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
        try (SseTestClient c = SseTestClient.open(path(id))) {
            await().atMost(WAIT).until(() -> c.messages().size() == 1);
            JsonNode o = json(c.messages().get(0));
            assertTrue(o.get("created_at").isTextual());
            assertTrue(o.get("updated_at").isTextual());
            new java.math.BigDecimal(o.get("updated_at").asText());
        }
    }

    @Test
    void holdsManyStreamsWithoutAThreadEach() {
        String id = SandboxOrdersTest.createOrder();
        List<SseTestClient> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                clients.add(SseTestClient.open(path(id)));
            }
            await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.messages().size() == 1));
            sandbox.advance(id);
            await().atMost(WAIT).until(() -> clients.stream().allMatch(c -> c.messages().size() == 2));
        } finally {
            clients.forEach(SseTestClient::close);
        }
    }
}
