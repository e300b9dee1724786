package io.orderrelay.webhook;

import static io.orderrelay.webhook.WebhookFixtures.endpoint;
import static io.orderrelay.webhook.WebhookFixtures.endpointPath;
import static io.orderrelay.webhook.WebhookFixtures.partner;
import static io.orderrelay.webhook.WebhookFixtures.placeOrder;
import static io.orderrelay.webhook.WebhookFixtures.transition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import io.orderrelay.order.TransitionWriter;
import io.orderrelay.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WebhookDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    TransitionWriter writer;

    @Inject
    WebhookDispatcher dispatcher;

    @Inject
    javax.sql.DataSource db;

    @Inject
    DeliveryQueue queue;

    @Inject
    WebhookSettings settings;

    private final Receivers receivers = new Receivers();

    @AfterEach
    void close() {
        receivers.close();
        dispatcher.start();
    }

    /** Distinct events (by webhook-id) in the order first received. */
    private static Map<String, Receiver.Received> distinct(Receiver r) {
        Map<String, Receiver.Received> byId = new LinkedHashMap<>();
        r.requests().forEach(req -> byId.putIfAbsent(req.id(), req));
        return byId;
    }

    @Test
    void manyOrdersAtOneEndpointAreSentConcurrentlyFarBeyondEightAndEachSucceedsOnce() throws Exception {
        String partner = partner();
        Receiver r = receivers.open();
        JsonPath ep = endpoint(partner, r.url("/many"), "\"event_types\": [\"order.submitting\"]");
        int orders = 24;
        dispatcher.stop(); // a backlog of due heads, claimed together once it starts
        for (int i = 0; i < orders; i++) {
            placeOrder(partner);
        }
        // each request is answered once all of them are open at the same time (or after 1.5 s, below the 2 s timeout)
        java.util.concurrent.CountDownLatch allOpen = new java.util.concurrent.CountDownLatch(orders);
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger mostOpen = new java.util.concurrent.atomic.AtomicInteger();
        r.policy(req -> {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            allOpen.countDown();
            try {
                allOpen.await(1500, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            open.decrementAndGet();
            return Receiver.Reply.ok();
        });
        dispatcher.start();

        String deliveries = endpointPath(partner, ep) + "/deliveries?limit=100";
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries).then()
                .body("items", hasSize(orders))
                .body("items.status", org.hamcrest.Matchers.everyItem(equalTo("succeeded")))
                .body("items.attempts", org.hamcrest.Matchers.everyItem(hasSize(1))));
        assertEquals(orders, mostOpen.get(), "every order's event was in flight at once");
        assertEquals(orders, r.requests().size(), "each sent once");
    }

    @Test
    void everyEventIsDeliveredOnceSignedInSequenceWithTheKafkaRecordAsBody() throws Exception {
        String partner = partner();
        Receiver r = receivers.open();
        JsonPath ep = endpoint(partner, r.url("/hooks"), "");
        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(ep.getString("secret"));
        UUID order = placeOrder(partner);
        transition(writer, order, "PaymentReceived");
        transition(writer, order, "WaitingForDelivery");

        await().atMost(WAIT).until(() -> distinct(r).size() == 4);
        List<Receiver.Received> events = new ArrayList<>(distinct(r).values());
        assertEquals(List.of(1, 2, 3, 4), events.stream().map(Receiver.Received::sequence).toList());
        assertEquals(List.of("order.submitting", "order.waiting_for_payment", "order.payment_received",
                "order.waiting_for_delivery"), events.stream().map(Receiver.Received::type).toList());
        for (Receiver.Received e : events) {
            verifier.verify(e.id(), e.timestamp(), e.signature(), e.body());
            assertEquals(e.json().path("id").asText(), e.id());
            assertEquals("application/json", e.contentType());
            assertEquals("1.0", e.json().path("specversion").asText());
            assertEquals(order.toString(), e.json().path("subject").asText());
            assertEquals(partner, e.json().path("data").path("partner_id").asText());
            assertFalse(e.text().contains("redemption") || e.text().contains("buyer@example.com"));
        }
        // the body is the Kafka record's value, byte for byte (the outbox keeps what it publishes)
        for (Receiver.Received e : events) {
            assertTrue(java.util.Arrays.equals(outboxPayload(UUID.fromString(e.id())), e.body()), "same bytes as Kafka");
        }
        // the receiver has the last event a moment before the dispatcher records the answer
        await().atMost(WAIT).untilAsserted(() -> Api.given()
                .get(endpointPath(partner, ep) + "/deliveries")
                .then().statusCode(200)
                .body("items", hasSize(4))
                .body("items.status", contains("succeeded", "succeeded", "succeeded", "succeeded"))
                .body("items[0].attempts", hasSize(1))
                .body("items[0].attempts[0].status_code", equalTo(200)));
    }

    private byte[] outboxPayload(UUID eventId) throws java.sql.SQLException {
        try (var c = db.getConnection(); var st = c.prepareStatement("select payload from outbox where event_id = ?")) {
            st.setObject(1, eventId);
            try (var rs = st.executeQuery()) {
                assertTrue(rs.next(), "outbox row of " + eventId);
                return rs.getBytes(1);
            }
        }
    }

    @Test
    void failedAttemptsAreRetriedOnTheScheduleAndLogged() {
        String partner = partner();
        Receiver r = receivers.open();
        Map<String, Integer> seen = new java.util.concurrent.ConcurrentHashMap<>();
        r.policy(req -> seen.merge(req.id(), 1, Integer::sum) <= 2 ? new Receiver.Reply(503, 0) : Receiver.Reply.ok());
        JsonPath ep = endpoint(partner, r.url("/flaky"), "\"event_types\": [\"order.submitting\"]");
        placeOrder(partner);

        String deliveries = endpointPath(partner, ep) + "/deliveries";
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries + "?status=succeeded").then()
                .body("items", hasSize(1)));
        Api.given().get(deliveries).then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].event_type", equalTo("order.submitting"))
                .body("items[0].sequence", equalTo(1))
                .body("items[0].attempts.status_code", contains(503, 503, 200))
                .body("items[0].attempts[0].duration_ms", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
        List<Receiver.Received> attempts = r.requests();
        assertEquals(3, attempts.size());
        assertEquals(1, attempts.stream().map(Receiver.Received::id).distinct().count());
        // the schedule here is 1s,1s,1s, jittered by at most 20%: each retry came no sooner than 0.8 s after the
        // attempt before it was answered
        for (int i = 1; i < attempts.size(); i++) {
            long gapMillis = (attempts.get(i).receivedNanos() - attempts.get(i - 1).receivedNanos()) / 1_000_000;
            assertTrue(gapMillis >= 800, "attempt " + (i + 1) + " came " + gapMillis + " ms after the one before");
        }
    }

    @Test
    void anEndpointAnswering410IsDisabled() {
        String partner = partner();
        Receiver r = receivers.open();
        r.policy(req -> new Receiver.Reply(410, 0));
        JsonPath ep = endpoint(partner, r.url("/gone"), "");
        UUID first = placeOrder(partner);
        String path = endpointPath(partner, ep);
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(path).then()
                .body("enabled", equalTo(false))
                .body("disabled_reason", equalTo("gone")));
        UUID later = placeOrder(partner);
        transition(writer, later, "PaymentReceived");
        // no delivery is written for a disabled endpoint
        Api.given().get(path + "/deliveries").then().body("items.order_id",
                org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(later.toString())));
        // and nothing more is sent to it while the dispatcher runs: only the event answered 410 ever arrived, not
        // the first order's next event (queued for it before the 410), nor anything of the later order
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> r.requests().stream().allMatch(q -> q.orderId().equals(first.toString()) && q.sequence() == 1));
    }

    @Test
    void afterARotationBothSecretsSignAndBothVerify() {
        String partner = partner();
        Receiver r = receivers.open();
        JsonPath ep = endpoint(partner, r.url("/rotating"), "");
        String path = endpointPath(partner, ep);
        String oldSecret = ep.getString("secret");
        String newSecret = Api.given().post(path + "/rotate-secret").then().statusCode(200)
                .body("previous_secret_expires_at", org.hamcrest.Matchers.notNullValue())
                .extract().path("secret");
        assertTrue(newSecret.startsWith("whsec_") && !newSecret.equals(oldSecret));
        Api.given().post(path + "/test").then().statusCode(202).body("event_type", equalTo("webhook.test"));

        await().atMost(WAIT).until(() -> r.requests().size() == 1);
        Receiver.Received test = r.requests().get(0);
        assertEquals("webhook.test", test.type());
        assertEquals(2, test.signature().split(" ").length);
        new StandardWebhooksVerifier(oldSecret).verify(test.id(), test.timestamp(), test.signature(), test.body());
        new StandardWebhooksVerifier(newSecret).verify(test.id(), test.timestamp(), test.signature(), test.body());
        assertFalse(new StandardWebhooksVerifier(io.orderrelay.webhook.Signatures.newSecret())
                .verifies(test.id(), test.timestamp(), test.signature(), test.body()));
    }

    @Test
    void anOrderIsDeliveredOnlyToItsOwnPartnersEndpoints() {
        String mine = partner();
        String theirs = partner();
        Receiver me = receivers.open();
        Receiver them = receivers.open();
        endpoint(mine, me.url("/mine"), "");
        endpoint(theirs, them.url("/theirs"), "");
        UUID order = placeOrder(mine);
        UUID theirOrder = placeOrder(theirs);

        await().atMost(WAIT).until(() -> distinct(me).size() == 2 && distinct(them).size() == 2);
        assertTrue(distinct(me).values().stream().allMatch(e -> e.orderId().equals(order.toString())));
        assertTrue(distinct(them).values().stream().allMatch(e -> e.orderId().equals(theirOrder.toString())));
    }

    @Test
    void oneOrdersEventsWaitForTheEarlierOneToFailForGoodWhileOtherOrdersFlow() {
        String partner = partner();
        Receiver r = receivers.open();
        // every attempt at the stuck order's payment_received fails; everything else succeeds
        UUID[] stuck = new UUID[1];
        r.policy(req -> stuck[0] != null && req.orderId().equals(stuck[0].toString())
                && req.type().equals("order.payment_received") ? new Receiver.Reply(500, 0) : Receiver.Reply.ok());
        JsonPath ep = endpoint(partner, r.url("/ordered"), "");
        stuck[0] = placeOrder(partner);
        UUID other = placeOrder(partner);
        transition(writer, stuck[0], "PaymentReceived");
        transition(writer, stuck[0], "WaitingForDelivery");
        transition(writer, other, "PaymentReceived");
        transition(writer, other, "WaitingForDelivery");

        await().atMost(WAIT).until(() -> r.requests().stream()
                .filter(e -> e.orderId().equals(stuck[0].toString()) && e.sequence() == 4).count() == 1);
        List<Receiver.Received> all = r.requests();
        List<Receiver.Received> stuckOnes = all.stream().filter(e -> e.orderId().equals(stuck[0].toString())).toList();
        // 1 + 3 retries of sequence 3, then sequence 4: never before sequence 3 failed for good
        assertEquals(List.of(1, 2, 3, 3, 3, 3, 4), stuckOnes.stream().map(Receiver.Received::sequence).toList());
        // the other order was not held up: all its events arrived before the stuck order's sequence 3 gave up
        long lastAttemptOf3 = stuckOnes.get(5).receivedNanos();
        List<Receiver.Received> others = all.stream().filter(e -> e.orderId().equals(other.toString())).toList();
        assertEquals(List.of(1, 2, 3, 4), others.stream().map(Receiver.Received::sequence).toList());
        assertTrue(others.get(3).receivedNanos() < lastAttemptOf3);
        Api.given().get(endpointPath(partner, ep)
                + "/deliveries?status=failed").then().body("items", hasSize(1))
                .body("items[0].attempts", hasSize(4))
                .body("items[0].order_id", equalTo(stuck[0].toString()));
    }

    @Test
    void includeSecretsEndpointsGetTheRedemptionDataAndOthersDoNot() throws Exception {
        String partner = partner();
        Receiver withSecrets = receivers.open();
        Receiver without = receivers.open();
        JsonPath secretEp = endpoint(partner, withSecrets.url("/secrets"), "\"include_secrets\": true, \"event_types\": [\"order.done\"]");
        endpoint(partner, without.url("/plain"), "\"event_types\": [\"order.done\"]");
        UUID order = placeOrder(partner);
        dispatcher.stop(); // holds the delivery, to look at it at rest
        WebhookFixtures.doneWithPin(writer, order, WebhookFixtures.upstreamOrderId(order), "PIN-4242-SECRET");
        // at rest, the redemption-bearing body is sealed (and removed once delivered: WebhookRetentionIT)
        try (var c = db.getConnection(); var st = c.prepareStatement(
                "select body, body_sealed from webhook_deliveries where endpoint_id = ?")) {
            st.setObject(1, UUID.fromString(secretEp.getString("id")));
            try (var rs = st.executeQuery()) {
                rs.next();
                assertTrue(rs.getBoolean("body_sealed"));
                assertTrue(rs.getString("body").startsWith("v1.") && !rs.getString("body").contains("PIN-4242"));
            }
        }
        dispatcher.start();

        await().atMost(WAIT).until(() -> withSecrets.requests().size() == 1 && without.requests().size() == 1);
        Receiver.Received secret = withSecrets.requests().get(0);
        Receiver.Received plain = without.requests().get(0);
        new StandardWebhooksVerifier(secretEp.getString("secret")).verify(secret.id(), secret.timestamp(),
                secret.signature(), secret.body());
        assertEquals("PIN-4242-SECRET", secret.json().at("/data/order/deliveries/0/redemption/pin_code").asText());
        assertFalse(plain.text().contains("PIN-4242-SECRET") || plain.text().contains("redemption"));
        assertEquals(secret.id(), plain.id());
    }

    @Test
    void eventTypeFiltersSelectWhatIsSent() {
        String partner = partner();
        Receiver r = receivers.open();
        endpoint(partner, r.url("/filtered"), "\"event_types\": [\"order.payment_received\", \"order.waiting_for_delivery\"]");
        UUID order = placeOrder(partner);
        transition(writer, order, "PaymentReceived");
        transition(writer, order, "WaitingForDelivery");
        await().atMost(WAIT).until(() -> distinct(r).size() == 2);
        assertEquals(List.of("order.payment_received", "order.waiting_for_delivery"),
                distinct(r).values().stream().map(Receiver.Received::type).toList());
    }

    @Test
    void aKilledDispatcherLosesNothing() {
        String partner = partner();
        Receiver r = receivers.open();
        JsonPath ep = endpoint(partner, r.url("/taken-over"), "");
        dispatcher.stop();
        List<UUID> orders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            orders.add(placeOrder(partner));
        }
        // another replica claims the heads with the real claim statement and dies: its claims are never recorded
        List<DeliveryStore.Claimed> dead = queue.claim(100, settings.maxInFlightPerEndpoint(), settings.lease());
        assertFalse(dead.isEmpty(), "the dead replica held claims");
        dispatcher.start();

        String deliveries = endpointPath(partner, ep) + "/deliveries";
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries + "?status=succeeded").then()
                .body("items", hasSize(6)));
        Map<String, List<Integer>> perOrder = distinct(r).values().stream().collect(Collectors.groupingBy(
                Receiver.Received::orderId, Collectors.mapping(Receiver.Received::sequence, Collectors.toList())));
        assertEquals(3, perOrder.size());
        perOrder.values().forEach(seqs -> assertEquals(List.of(1, 2), seqs));
    }

    @Test
    void replayQueuesThePartnersEventsSinceATimeAgainWithTheSameIds() {
        String partner = partner();
        Receiver r = receivers.open();
        String since = java.time.Instant.now().minusSeconds(5).toString();
        UUID order = placeOrder(partner);
        // the endpoint is created after the events: only a replay brings them
        JsonPath ep = endpoint(partner, r.url("/replayed"), "");
        String path = endpointPath(partner, ep);
        Api.json("{\"since\": \"" + since + "\"}").post(path + "/replay").then().statusCode(202)
                .body("enqueued", equalTo(2));
        await().atMost(WAIT).until(() -> distinct(r).size() == 2);
        assertEquals(List.of(1, 2), distinct(r).values().stream().map(Receiver.Received::sequence).toList());
        assertTrue(distinct(r).values().stream().allMatch(e -> e.orderId().equals(order.toString())));
        // a second replay resends the same events, same ids and same bytes
        List<String> firstIds = new ArrayList<>(distinct(r).keySet());
        Api.json("{\"since\": \"" + since + "\"}").post(path + "/replay").then().statusCode(202)
                .body("enqueued", equalTo(2));
        await().atMost(WAIT).until(() -> r.requests().size() == 4);
        assertEquals(firstIds, r.requests().subList(2, 4).stream().map(Receiver.Received::id).toList());
        assertEquals(r.requests().get(0).text(), r.requests().get(2).text());
    }

    @Test
    void aFailedDeliveryCanBeRetriedByHand() {
        String partner = partner();
        Receiver r = receivers.open();
        r.policy(req -> new Receiver.Reply(500, 0));
        JsonPath ep = endpoint(partner, r.url("/manual"), "\"event_types\": [\"order.submitting\"]");
        placeOrder(partner);
        String path = endpointPath(partner, ep);
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(path + "/deliveries?status=failed").then()
                .body("items", hasSize(1)));
        String delivery = Api.given().get(path + "/deliveries").then().extract().path("items[0].id");
        r.policy(req -> Receiver.Reply.ok());
        Api.given().post(path + "/deliveries/" + delivery + "/retry").then().statusCode(202)
                .body("status", equalTo("pending"));
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(path + "/deliveries?status=succeeded").then()
                .body("items", hasSize(1))
                .body("items[0].attempts", hasSize(5)));
    }
}
