package io.orderrelay.webhook;

import static io.orderrelay.webhook.WebhookFixtures.endpoint;
import static io.orderrelay.webhook.WebhookFixtures.partner;
import static io.orderrelay.webhook.WebhookFixtures.placeOrder;
import static io.orderrelay.webhook.WebhookFixtures.transition;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import io.orderrelay.order.TransitionWriter;
import io.orderrelay.support.Api;
import io.orderrelay.testing.LogCapture;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One receiver's answers, hangs or our failure to record them affect only that receiver's own deliveries: every
 * answer is recorded whatever its bytes, every request sent is a recorded attempt (no silent resends), and the
 * healthy endpoints beside it get everything. %test: lease 3 s, retry schedule 1s,1s,1s.
 */
@QuarkusTest
class WebhookIsolationIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    TransitionWriter writer;

    @Inject
    DataSource db;

    private final List<AutoCloseable> receivers = new ArrayList<>();

    private Receiver receiver(Function<Receiver.Received, Receiver.Reply> policy) {
        Receiver r = new Receiver();
        r.policy(policy);
        receivers.add(r);
        return r;
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable r : receivers) {
            r.close();
        }
    }

    private static String deliveries(String partner, JsonPath endpoint) {
        return "/v1/partners/" + partner + "/webhook-endpoints/" + endpoint.getString("id") + "/deliveries?limit=500";
    }

    /** Attempts recorded per event id (webhook-id) at this endpoint. */
    private static Map<String, Integer> attemptsPerEvent(String partner, JsonPath endpoint) {
        JsonPath page = Api.given().get(deliveries(partner, endpoint)).then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> items = page.getList("items");
        return items.stream().collect(Collectors.toMap(i -> (String) i.get("event_id"),
                i -> ((List<?>) i.get("attempts")).size(), Integer::sum));
    }

    private static Map<String, Integer> requestsPerEvent(List<String> webhookIds) {
        return webhookIds.stream().collect(Collectors.toMap(id -> id, id -> 1, Integer::sum));
    }

    private static List<String> ids(Receiver r) {
        return r.requests().stream().map(Receiver.Received::id).toList();
    }

    @Test
    void answersWithNulInvalidUtf8BinaryOrHugeBodiesAreRecordedSafelyAndTheLineMoves() {
        String partner = partner();
        byte[] nasty = {'o', 'k', 0, ' ', (byte) 0xff, (byte) 0xfe, (byte) 0xc3, ' ', 0x01, 0x1b, 'e', 'n', 'd'};
        Receiver nul = receiver(req -> Receiver.Reply.bytes(200, nasty));
        byte[] huge = new byte[32 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'h');
        Receiver big = receiver(req -> Receiver.Reply.bytes(200, huge));
        ByteArrayOutputStream garbage = new ByteArrayOutputStream();
        garbage.writeBytes(new byte[] {0, (byte) 0xff, (byte) 0xfe, 0, 0x7f});
        garbage.writeBytes(" not HTTP\0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        RawReceiver raw = new RawReceiver(garbage.toByteArray());
        receivers.add(raw);
        JsonPath nulEp = endpoint(partner, nul.url("/nul"), "");
        JsonPath bigEp = endpoint(partner, big.url("/big"), "");
        JsonPath rawEp = endpoint(partner, raw.url("/raw"), "\"event_types\": [\"order.submitting\"]");
        UUID order = placeOrder(partner);
        transition(writer, order, "PaymentReceived");

        // the NUL answers are recorded, so the line moves: all three events succeed, in order, once each
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries(partner, nulEp)).then()
                .body("items", hasSize(3))
                .body("items.status", everyItem(equalTo("succeeded")))
                .body("items.attempts", everyItem(hasSize(1))));
        assertEquals(3, nul.requests().size());
        assertEquals(List.of(1, 2, 3), nul.requests().stream().map(Receiver.Received::sequence).toList());
        String excerpt = Api.given().get(deliveries(partner, nulEp)).then().extract()
                .path("items[0].attempts[0].response_excerpt");
        assertTrue(excerpt.startsWith("ok") && excerpt.endsWith("end"), excerpt);
        assertFalse(excerpt.contains("\u0000") || excerpt.contains("\u0001") || excerpt.contains("\u001b"), excerpt);
        assertTrue(excerpt.contains("\uFFFD"), "replaced bytes are visible: " + excerpt);

        // a 32 MiB answer: succeeded, its excerpt capped at 512 characters, and not read to its end
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries(partner, bigEp)).then()
                .body("items", hasSize(3))
                .body("items.status", everyItem(equalTo("succeeded"))));
        List<String> bigExcerpts = Api.given().get(deliveries(partner, bigEp)).then().extract()
                .path("items.attempts.flatten().response_excerpt");
        assertTrue(bigExcerpts.stream().allMatch(e -> e.length() <= 512 && e.startsWith("hhh")), "capped");
        await().atMost(WAIT).until(() -> big.answers().size() == 3);
        assertTrue(big.answers().stream().noneMatch(Receiver.Answered::complete), "the sender stopped reading");

        // not HTTP at all: every attempt is recorded as an error and the schedule runs out; no request unrecorded
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries(partner, rawEp)).then()
                .body("items", hasSize(1))
                .body("items[0].status", equalTo("failed"))
                .body("items[0].attempts", hasSize(4))
                .body("items[0].attempts.status_code", everyItem(org.hamcrest.Matchers.nullValue())));
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                .until(() -> requestsPerEvent(raw.webhookIds()).equals(attemptsPerEvent(partner, rawEp)));
        String error = Api.given().get(deliveries(partner, rawEp)).then().extract().path("items[0].attempts[0].error");
        assertFalse(error.contains("\u0000"), error);
    }

    @Test
    void aSendThatHangsLongerThanTheLeaseIsNeitherDuplicatedNorOvertakenByTheNextEvent() {
        String partner = partner();
        UUID[] order = new UUID[1];
        java.util.concurrent.atomic.AtomicBoolean hung = new java.util.concurrent.atomic.AtomicBoolean();
        // the first attempt at the order's second event hangs 5 s, longer than the 3 s claim lease; the rest is fast
        Receiver r = receiver(req -> req.sequence() == 2 && hung.compareAndSet(false, true)
                ? new Receiver.Reply(200, 5_000) : Receiver.Reply.ok());
        JsonPath ep = endpoint(partner, r.url("/hang"), "");
        order[0] = placeOrder(partner);
        transition(writer, order[0], "PaymentReceived");

        await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries(partner, ep)).then()
                .body("items", hasSize(3))
                .body("items.status", everyItem(equalTo("succeeded"))));
        // nothing more comes once everything succeeded, and every request sent is a recorded attempt
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
                .until(() -> requestsPerEvent(ids(r)).equals(attemptsPerEvent(partner, ep)));
        List<Receiver.Received> seq2 = r.requests().stream().filter(q -> q.sequence() == 2).toList();
        assertEquals(2, seq2.size(), "the hung attempt gave up before the lease ran out, then one retry");
        Api.given().get(deliveries(partner, ep)).then()
                .body("items[1].sequence", equalTo(2))
                .body("items[1].attempts.status_code", org.hamcrest.Matchers.contains(null, 200))
                .body("items[1].attempts[0].error", org.hamcrest.Matchers.startsWith("timeout"));
        // the third event left only after the second one's successful attempt was answered
        Receiver.Received third = r.requests().stream().filter(q -> q.sequence() == 3).findFirst().orElseThrow();
        long secondAnswered = r.answers().stream().filter(a -> a.id().equals(seq2.get(1).id()))
                .mapToLong(Receiver.Answered::answeredNanos).min().orElseThrow();
        assertTrue(third.receivedNanos() > secondAnswered, "event 3 did not overtake event 2");
    }

    @Test
    void oneMisbehavingReceiverAmongHealthyOnesDelaysOnlyItself() {
        String partner = partner();
        Receiver healthy = receiver(req -> Receiver.Reply.ok());
        Receiver alsoHealthy = receiver(req -> Receiver.Reply.ok());
        Receiver hanging = receiver(req -> new Receiver.Reply(200, 30_000));
        Receiver dripping = receiver(req -> Receiver.Reply.drip(200));
        Receiver nul = receiver(req -> Receiver.Reply.bytes(500, new byte[] {0, 0, 0}));
        JsonPath h1 = endpoint(partner, healthy.url("/h1"), "");
        JsonPath h2 = endpoint(partner, alsoHealthy.url("/h2"), "");
        String first = "\"event_types\": [\"order.submitting\"]";
        JsonPath hangEp = endpoint(partner, hanging.url("/hang"), first);
        JsonPath dripEp = endpoint(partner, dripping.url("/drip"), first);
        JsonPath nulEp = endpoint(partner, nul.url("/nul"), first);
        List<UUID> orders = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            UUID order = placeOrder(partner);
            orders.add(order);
            transition(writer, order, "PaymentReceived");
            transition(writer, order, "WaitingForDelivery");
        }

        // the healthy endpoints get every event of every order, in order, once, on the first attempt
        for (var pair : List.of(Map.entry(healthy, h1), Map.entry(alsoHealthy, h2))) {
            await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries(partner, pair.getValue())).then()
                    .body("items", hasSize(12))
                    .body("items.status", everyItem(equalTo("succeeded")))
                    .body("items.attempts", everyItem(hasSize(1))));
            Map<String, List<Integer>> perOrder = pair.getKey().requests().stream().collect(Collectors.groupingBy(
                    Receiver.Received::orderId, Collectors.mapping(Receiver.Received::sequence, Collectors.toList())));
            orders.forEach(o -> assertEquals(List.of(1, 2, 3, 4), perOrder.get(o.toString())));
        }
        // the misbehaving ones: every attempt is a timeout or a 500 recorded as such, and runs its schedule out
        for (JsonPath bad : List.of(hangEp, dripEp, nulEp)) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> Api.given().get(deliveries(partner, bad)).then()
                    .body("items", hasSize(3))
                    .body("items.status", everyItem(equalTo("failed")))
                    .body("items.attempts", everyItem(hasSize(4))));
        }
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() ->
                requestsPerEvent(ids(hanging)).equals(attemptsPerEvent(partner, hangEp))
                        && requestsPerEvent(ids(dripping)).equals(attemptsPerEvent(partner, dripEp))
                        && requestsPerEvent(ids(nul)).equals(attemptsPerEvent(partner, nulEp)));
        List<String> dripErrors = Api.given().get(deliveries(partner, dripEp)).then().extract()
                .path("items.attempts.flatten().error");
        assertTrue(dripErrors.stream().allMatch(e -> e.startsWith("timeout")), dripErrors.toString());
    }

    /**
     * The recording of one attempt is held (a test trigger waits on a lock this test holds), and another endpoint's
     * order moves on meanwhile: its first attempt is recorded in a batch of its own, so its second event, which
     * becomes claimable only once the first is recorded, is sent while the held one is still unrecorded. With one
     * recording batch at a time it would wait behind the held batch.
     */
    @Test
    void anAttemptWhoseRecordingIsHeldHoldsUpNoOtherAttemptsRecording() throws Exception {
        long key = 0x5eed_0011L;
        String held = partner();
        String free = partner();
        Receiver heldReceiver = receiver(req -> Receiver.Reply.ok());
        Receiver freeReceiver = receiver(req -> Receiver.Reply.ok());
        JsonPath heldEp = endpoint(held, heldReceiver.url("/held"), "\"event_types\": [\"order.submitting\"]");
        JsonPath freeEp = endpoint(free, freeReceiver.url("/free"), "");
        try (var lock = db.getConnection(); var st = lock.createStatement()) {
            st.execute("""
                    create or replace function test_hold_recording() returns trigger language plpgsql as $$
                    begin
                      if new.delivery_id in (select id from webhook_deliveries where endpoint_id = '%s') then
                        perform pg_advisory_xact_lock(%d);
                      end if;
                      return new;
                    end $$""".formatted(heldEp.getString("id"), key));
            st.execute("create trigger test_hold_recording before insert on webhook_attempts "
                    + "for each row execute function test_hold_recording()");
            try {
                st.execute("select pg_advisory_lock(" + key + ")");
                placeOrder(held);
                // its attempt was answered and its recording now waits on the lock
                await().atMost(WAIT).until(() -> heldReceiver.requests().size() == 1 && recordingsWaiting(key) == 1);

                UUID order = placeOrder(free);
                // its second event goes only once its first is recorded (unrecorded past the lease, the first is
                // sent again instead)
                await().atMost(WAIT).until(() -> freeReceiver.requests().stream()
                        .anyMatch(q -> q.orderId().equals(order.toString()) && q.sequence() == 2));
                assertEquals(List.of(1, 2), freeReceiver.requests().stream()
                        .filter(q -> q.orderId().equals(order.toString())).limit(2)
                        .map(Receiver.Received::sequence).toList(), "each sent once, in order");
                assertEquals(1, recordingsWaiting(key), "the held recording was still held meanwhile");
                Api.given().get(deliveries(held, heldEp)).then().body("items[0].attempts", hasSize(0));
            } finally {
                st.execute("select pg_advisory_unlock(" + key + ")");
                st.execute("drop trigger test_hold_recording on webhook_attempts");
                st.execute("drop function test_hold_recording()");
            }
        }
        await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries(held, heldEp)).then()
                .body("items", hasSize(1))
                .body("items[0].status", equalTo("succeeded"))
                .body("items[0].attempts", hasSize(1)));
        assertEquals(1, heldReceiver.requests().size(), "the held attempt was not sent again");
    }

    /** Backends of this database waiting for the advisory lock {@code key}. */
    private int recordingsWaiting(long key) throws Exception {
        try (var c = db.getConnection(); var st = c.prepareStatement("""
                select count(*) from pg_locks l join pg_stat_activity a on a.pid = l.pid
                where l.locktype = 'advisory' and not l.granted and a.datname = current_database()
                  and ((l.classid::bigint << 32) | l.objid::bigint) = ?""")) {
            st.setLong(1, key);
            try (var rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void anAttemptThatCannotBeRecordedIsLoggedAndRetriedNeverResentSilently() throws Exception {
        String partner = partner();
        Receiver r = receiver(req -> Receiver.Reply.bytes(200, "poison-excerpt".getBytes(StandardCharsets.UTF_8)));
        JsonPath ep = endpoint(partner, r.url("/poison"), "\"event_types\": [\"order.submitting\"]");
        // the database refuses this endpoint's first five attempts (longer than a claim lease), and any that
        // stores this answer's excerpt (as it refused NUL bytes before they were replaced)
        try (var c = db.getConnection(); var st = c.createStatement()) {
            st.execute("create sequence test_refusals");
            st.execute("""
                    create or replace function test_refuse_poison() returns trigger language plpgsql as $$
                    begin
                      if new.delivery_id in (select id from webhook_deliveries where endpoint_id = '%s')
                         and (nextval('test_refusals') <= 5 or new.response_excerpt like '%%poison-excerpt%%') then
                        raise exception 'test refuses this attempt';
                      end if;
                      return new;
                    end $$""".formatted(ep.getString("id")));
            st.execute("create trigger test_refuse_poison before insert on webhook_attempts "
                    + "for each row execute function test_refuse_poison()");
        }
        try (LogCapture logs = LogCapture.start()) {
            placeOrder(partner);
            await().atMost(WAIT).untilAsserted(() -> Api.given().get(deliveries(partner, ep)).then()
                    .body("items", hasSize(1))
                    .body("items[0].status", equalTo("succeeded"))
                    .body("items[0].attempts", hasSize(1))
                    .body("items[0].attempts[0].status_code", equalTo(200))
                    .body("items[0].attempts[0].response_excerpt", org.hamcrest.Matchers.nullValue()));
            // the request was sent once (the claim was renewed while recording failed), and that one attempt is
            // what is recorded
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> r.requests().size() == 1);
            assertTrue(logs.records().stream().filter(l -> l.contains("could not be recorded")).count() >= 5, "logged");
            logs.assertNoneContains(ep.getString("secret"), Api.ADMIN_KEY, "sandbox-partner");
        } finally {
            try (var c = db.getConnection(); var st = c.createStatement()) {
                st.execute("drop trigger test_refuse_poison on webhook_attempts");
                st.execute("drop function test_refuse_poison()");
                st.execute("drop sequence test_refusals");
            }
        }
    }
}
