package io.orderrelay.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.outbox.EventEnvelopes;
import io.orderrelay.support.EventContracts;
import io.orderrelay.support.SampleEvents;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The schemas of docs/schemas accept what EventEnvelopes builds and reject broken events: the check that
 * TopicReader and Receiver run on every record and webhook of the suite can fail.
 */
@QuarkusTest
class EventContractsTest {

    private static final UUID EVENT = UUID.fromString("01a213ec-0000-7000-8000-000000000011");
    private static final UUID ORDER = UUID.fromString("01a213ec-0000-7000-8000-000000000012");

    @Inject
    EventEnvelopes envelopes;
    @Inject
    ObjectMapper json;

    @Test
    void theEnvelopesTheRelayBuildsFollowTheirPublishedSchemas() throws Exception {
        TransitionRecorded event = event(redemption());

        assertEquals(Set.of(), EventContracts.violations(EventContracts.ORDER_EVENT, json.readTree(envelopes.envelope(event))));
        assertEquals(Set.of(), EventContracts.violations(EventContracts.ORDER_EVENT_WITH_SECRETS,
                json.readTree(envelopes.envelopeWithSecrets(event))));
        EventContracts.kafkaRecord(record(envelopes.envelope(event), "order.done"));
    }

    @Test
    void aBrokenEventIsRejected() throws Exception {
        byte[] good = envelopes.envelope(event(null));
        assertBroken(good, e -> e.remove("dataschema"));
        assertBroken(good, e -> e.put("dataschema", "https://order-relay.example/schemas/order-transition.v9.json"));
        assertBroken(good, e -> e.put("type", "Order Done"));
        assertBroken(good, e -> ((ObjectNode) e.get("data")).put("sequence", 0));
        assertBroken(good, e -> ((ObjectNode) e.get("data")).remove("order_id"));
        assertBroken(good, e -> ((ObjectNode) e.get("data")).put("occurred_at", "25/11/2026"));
        assertBroken(good, e -> ((ObjectNode) e.at("/data/order")).put("email", "buyer@example.com"));
        assertBroken(good, e -> e.put("traceparent", "00-abc"));
        // the redemption data never belongs to the plain event (Kafka, ordinary webhooks)
        byte[] secret = envelopes.envelopeWithSecrets(event(redemption()));
        ObjectNode leaked = (ObjectNode) json.readTree(secret);
        leaked.put("dataschema", EventEnvelopes.DATA_SCHEMA);
        assertFalse(EventContracts.violations(EventContracts.ORDER_EVENT, leaked).isEmpty());
    }

    @Test
    void aKafkaRecordWhoseHeadersOrKeyDisagreeWithItsValueIsRejected() {
        byte[] value = envelopes.envelope(event(null));

        assertThrows(AssertionError.class, () -> EventContracts.kafkaRecord(record(value, "order.waiting_for_payment")));
        ConsumerRecord<String, byte[]> wrongKey = new ConsumerRecord<>("order-transitions", 0, 0, "another-order", value);
        assertThrows(AssertionError.class, () -> EventContracts.kafkaRecord(wrongKey));
    }

    @Test
    void aWebhookIsCheckedAgainstTheSchemaItsDataschemaNames() {
        byte[] secret = envelopes.envelopeWithSecrets(event(redemption()));
        String sig = "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=";

        EventContracts.webhook(EVENT.toString(), "1700000000", sig, "application/json", secret);
        assertThrows(AssertionError.class, () -> EventContracts.webhook(EVENT.toString(), "1700000000", sig,
                "application/json", new String(secret, StandardCharsets.UTF_8).replace("\"pin_code\"", "\"pin\"")
                        .getBytes(StandardCharsets.UTF_8)));
        assertThrows(AssertionError.class, () -> EventContracts.webhook(EVENT.toString(), "1700000000", "sha256=abc",
                "application/json", secret));
    }

    private void assertBroken(byte[] good, Consumer<ObjectNode> breakIt) throws Exception {
        ObjectNode broken = (ObjectNode) json.readTree(good);
        breakIt.accept(broken);
        Set<?> problems = EventContracts.violations(EventContracts.ORDER_EVENT, broken);
        assertTrue(!problems.isEmpty(), () -> "accepted a broken event: " + broken);
        assertThrows(AssertionError.class, () -> EventContracts.kafkaRecord(
                record(json.writeValueAsBytes(broken), broken.path("type").asText())));
    }

    private ArrayNode redemption() {
        ArrayNode redemption = json.createArrayNode();
        redemption.addObject().put("pin_code", "1234-5678").put("redeem_instructions", "Redeem online");
        return redemption;
    }

    private static ConsumerRecord<String, byte[]> record(byte[] value, String type) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", EVENT.toString().getBytes(StandardCharsets.UTF_8));
        headers.add("ce_type", type.getBytes(StandardCharsets.UTF_8));
        headers.add("content-type", EventContracts.KAFKA_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("order-transitions", 0, 0, 0L, TimestampType.CREATE_TIME, -1, -1, ORDER.toString(),
                value, headers, java.util.Optional.empty());
    }

    private static TransitionRecorded event(ArrayNode redemption) {
        return SampleEvents.transition(EVENT, ORDER, 5, "WaitingForDelivery", "Done", "Delivered", redemption);
    }
}
