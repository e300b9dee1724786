package io.orderrelay.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.support.SampleEvents;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class EventEnvelopesTest {

    private static final UUID EVENT = UUID.fromString("01a213ec-0000-7000-8000-000000000001");
    private static final UUID ORDER = UUID.fromString("01a213ec-0000-7000-8000-000000000002");

    @Inject
    EventEnvelopes envelopes;
    @Inject
    ObjectMapper json;

    @Test
    void buildsTheDesignedCloudEventWithTheSameBytesEveryTime() throws Exception {
        TransitionRecorded event = event("WaitingForPayment", "WaitingForDelivery", null);

        byte[] once = envelopes.envelope(event);
        byte[] again = envelopes.envelope(event(("WaitingForPayment"), "WaitingForDelivery", null));

        assertArrayEquals(once, again);
        String text = new String(once, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("""
                {"specversion":"1.0","id":"01a213ec-0000-7000-8000-000000000001","source":"/order-relay",\
                "type":"order.waiting_for_delivery","subject":"01a213ec-0000-7000-8000-000000000002",\
                "time":"2026-11-25T10:00:00.123456Z","datacontenttype":"application/json",\
                "dataschema":"https://order-relay.example/schemas/order-transition.v1.json",\
                "data":{"order_id":"01a213ec-0000-7000-8000-000000000002","upstream_order_id":"up-1",\
                "partner_id":"acme","client_reference":"acme-42","sequence":3,"from_state":"WaitingForPayment",\
                "to_state":"WaitingForDelivery","occurred_at":"2026-11-25T10:00:00.123456Z","source":"stream",\
                "order":{"id":"01a213ec-0000-7000-8000-000000000002","""), text);
    }

    @Test
    void writesTheFirstTransitionWithAnExplicitNullFromState() throws Exception {
        JsonNode envelope = json.readTree(envelopes.envelope(event(null, "Submitting", null)));

        assertTrue(envelope.get("data").get("from_state").isNull());
        assertEquals("order.submitting", envelope.get("type").asText());
    }

    @Test
    void addsRedemptionDataOnlyToTheVariantWithSecrets() throws Exception {
        ArrayNode redemption = json.createArrayNode();
        redemption.addObject().put("pin_code", "1234-5678");
        TransitionRecorded event = event("WaitingForDelivery", "Done", redemption);

        JsonNode plain = json.readTree(envelopes.envelope(event));
        JsonNode secret = json.readTree(envelopes.envelopeWithSecrets(event));

        assertFalse(new String(envelopes.envelope(event), StandardCharsets.UTF_8).contains("1234-5678"));
        assertEquals("1234-5678", secret.at("/data/order/deliveries/0/redemption/pin_code").asText());
        assertEquals(EventEnvelopes.DATA_SCHEMA_WITH_SECRETS, secret.get("dataschema").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) secret.at("/data/order/deliveries/0")).remove("redemption");
        ((com.fasterxml.jackson.databind.node.ObjectNode) secret).put("dataschema", EventEnvelopes.DATA_SCHEMA);
        assertEquals(plain, secret, "the variant differs by the redemption data and its dataschema only");
    }

    private static TransitionRecorded event(String from, String to, ArrayNode redemption) {
        return SampleEvents.transition(EVENT, ORDER, 3, from, to, "Pending", redemption);
    }
}
