package io.orderrelay.upstream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderrelay.support.UpstreamFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every field we keep has a length limit, and the whole snapshot a size limit; over them a payload is invalid. */
class UpstreamLimitsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "4b8f0c3e-1d2a-4c5b-9e6f-7a8b9c0d1e2f";

    static Stream<Arguments> limitedFields() {
        List<Arguments> all = new ArrayList<>();
        UpstreamLimits.ORDER_FIELDS.forEach((f, max) -> all.add(Arguments.of("", f, max)));
        UpstreamLimits.DELIVERY_FIELDS.forEach((f, max) -> all.add(Arguments.of("deliveries[0].", f, max)));
        UpstreamLimits.DELIVERABLE_FIELDS.forEach((f, max) -> all.add(Arguments.of("deliveries[0].deliverable.", f, max)));
        return all.stream();
    }

    @ParameterizedTest(name = "{0}{1} up to {2}")
    @MethodSource("limitedFields")
    void aFieldAtItsLimitIsReadAndOneCharacterMoreMakesThePayloadInvalid(String path, String field, int max) {
        if (field.equals("order_id")) {
            // the order id must also be the expected one: check it without expecting an id
            assertDoesNotThrow(() -> UpstreamOrder.parse(with(path, field, "o".repeat(max)), null));
            assertInvalid(with(path, field, "o".repeat(max + 1)), null, path + field + " longer than " + max);
            return;
        }
        // numbers and timestamps are checked by their text: digits keep them valid
        String atLimit = "1".repeat(max);
        assertDoesNotThrow(() -> UpstreamOrder.parse(with(path, field, atLimit), ID));
        String over = "1".repeat(max + 1);
        UpstreamOrder.InvalidPayload e = assertInvalid(with(path, field, over), ID, path + field + " longer than " + max);
        assertFalse(e.getMessage().contains(over), "the message never quotes the value");
    }

    @Test
    void aSnapshotOverTheTotalLimitIsInvalidEvenWhenTheSizeIsInFieldsWeIgnore() {
        ObjectNode order = fixture();
        order.put("some_future_field", "f".repeat(UpstreamLimits.MAX_SNAPSHOT_CHARS));
        assertInvalid(order, ID, "payload larger than " + UpstreamLimits.MAX_SNAPSHOT_CHARS);

        ObjectNode many = fixture();
        var array = many.putArray("history");
        for (int i = 0; i < 20_000; i++) {
            array.add(i);
        }
        assertInvalid(many, ID, "payload larger than");
    }

    @Test
    void aTypicalSnapshotIsWellWithinTheTotalLimit() {
        ObjectNode order = fixture();
        long length = UpstreamLimits.compactLength(order, Long.MAX_VALUE);
        assertEquals(order.toString().length(), length, "counted as the compact JSON text");
        assertDoesNotThrow(() -> UpstreamOrder.parse(order, ID));
    }

    @Test
    void nulCharactersAndControlCharactersInIdentifiersAreInvalidButNewlinesInInstructionsAreKept() {
        assertInvalid(with("", "qr_text", "solana:abc\u0000"), ID, "qr_text contains a control character");
        assertInvalid(with("", "order_state", "Done\n"), ID, "order_state contains a control character");
        assertInvalid(with("deliveries[0].", "delivery_state", "Pend\u0007ing"), ID,
                "deliveries[0].delivery_state contains a control character");
        assertInvalid(with("deliveries[0].deliverable.", "pin_code", "12\u000034"), ID,
                "deliveries[0].deliverable.pin_code contains a control character");
        UpstreamOrder ok = UpstreamOrder.parse(with("deliveries[0].deliverable.", "redeem_instructions",
                "Step 1\nStep 2\tdone"), ID);
        assertEquals("Step 1\nStep 2\tdone", ok.deliveries().get(0).redemption().get("redeem_instructions").asText());
    }

    private static UpstreamOrder.InvalidPayload assertInvalid(ObjectNode order, String expectedId, String message) {
        UpstreamOrder.InvalidPayload e = assertThrows(UpstreamOrder.InvalidPayload.class,
                () -> UpstreamOrder.parse(order, expectedId));
        assertTrue(e.getMessage().startsWith(message), () -> e.getMessage() + " should start with " + message);
        return e;
    }

    private static ObjectNode with(String path, String field, String value) {
        ObjectNode order = fixture();
        ObjectNode target = switch (path) {
            case "" -> order;
            case "deliveries[0]." -> (ObjectNode) order.get("deliveries").get(0);
            default -> (ObjectNode) order.get("deliveries").get(0).get("deliverable");
        };
        target.put(field, value);
        return order;
    }

    private static ObjectNode fixture() {
        try {
            return (ObjectNode) JSON.readTree(UpstreamFixtures.order(ID, "WaitingForPayment", 1764064800.5));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
