package io.orderrelay.upstream;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Size limits of an upstream order object (create answer, GET answer, stream message). What upstream sends ends
 * up in our rows, in the Kafka records and in the webhook bodies: one absurdly long field must not make them
 * larger than Kafka or a receiver accepts, nor fill the database. A payload over a limit is invalid
 * ({@link UpstreamOrder.InvalidPayload}): the trackers count and ignore it, nothing of it is stored.
 *
 * <p>The limits are far above anything upstream documents (states are short words, ids UUIDs, a QR payload a
 * few hundred characters) and far below what would hurt: a whole snapshot is at most {@value #MAX_SNAPSHOT_CHARS}
 * characters of compact JSON, unknown fields included. Lengths are in characters (UTF-16 units).
 */
public final class UpstreamLimits {

    /** The whole object, as compact JSON text. */
    public static final int MAX_SNAPSHOT_CHARS = 64 * 1024;

    /** Top-level fields we read, with their maximum length. */
    static final Map<String, Integer> ORDER_FIELDS = Map.ofEntries(
            Map.entry("order_id", 128), Map.entry("order_state", 64), Map.entry("created_at", 64),
            Map.entry("updated_at", 64), Map.entry("wallet_address", 256), Map.entry("coin", 32),
            Map.entry("network", 64), Map.entry("payment_via", 64), Map.entry("coin_amount", 64),
            Map.entry("qr_text", 4_096), Map.entry("qr_url", 16_384), Map.entry("payment_state", 64));

    /** Fields of each {@code deliveries[i]}. */
    static final Map<String, Integer> DELIVERY_FIELDS = Map.of("id", 128, "delivery_state", 64);

    /** Fields of each {@code deliveries[i].deliverable}, the redemption data (secrets) included. */
    static final Map<String, Integer> DELIVERABLE_FIELDS = Map.of("brand_name", 256, "country_code", 16,
            "denomination", 64, "pin_code", 1_024, "pin_serial", 1_024, "barcode_image_url", 16_384,
            "redeem_instructions", 16_384);

    /** Identifiers and states: no control characters at all (they name things, and become event types). */
    static final Set<String> TOKENS = Set.of("order_id", "order_state", "payment_state", "coin", "network",
            "payment_via", "id", "delivery_state", "country_code");

    private UpstreamLimits() {
    }

    /** Throws {@link UpstreamOrder.InvalidPayload} naming the first limit the object exceeds (never its values). */
    static void check(JsonNode order) {
        if (compactLength(order, MAX_SNAPSHOT_CHARS) > MAX_SNAPSHOT_CHARS) {
            throw new UpstreamOrder.InvalidPayload("payload larger than " + MAX_SNAPSHOT_CHARS + " characters");
        }
        fields(order, "", ORDER_FIELDS);
        JsonNode deliveries = order.get("deliveries");
        if (deliveries != null && deliveries.isArray()) {
            for (int i = 0; i < deliveries.size(); i++) {
                JsonNode delivery = deliveries.get(i);
                fields(delivery, "deliveries[" + i + "].", DELIVERY_FIELDS);
                fields(delivery.path("deliverable"), "deliveries[" + i + "].deliverable.", DELIVERABLE_FIELDS);
            }
        }
    }

    private static void fields(JsonNode node, String path, Map<String, Integer> limits) {
        if (!node.isObject()) {
            return;
        }
        limits.forEach((field, max) -> {
            JsonNode value = node.get(field);
            if (value == null || !value.isValueNode()) {
                return;
            }
            String text = value.asText();
            if (text.length() > max) {
                throw new UpstreamOrder.InvalidPayload(path + field + " longer than " + max + " characters");
            }
            boolean token = TOKENS.contains(field);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                // PostgreSQL text cannot hold NUL at all
                if (c == 0 || (token && (c < 0x20 || c == 0x7f))) {
                    throw new UpstreamOrder.InvalidPayload(path + field + " contains a control character");
                }
            }
        });
    }

    /**
     * The length of the node as compact JSON (escapes not counted), computed without building the text; stops
     * counting once past {@code stopAbove}.
     */
    static long compactLength(JsonNode node, long stopAbove) {
        long[] total = {0};
        add(node, total, stopAbove);
        return total[0];
    }

    private static void add(JsonNode node, long[] total, long stopAbove) {
        if (total[0] > stopAbove) {
            return;
        }
        if (node.isObject()) {
            total[0] += 2 + Math.max(0, node.size() - 1); // braces and commas
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && total[0] <= stopAbove; ) {
                Map.Entry<String, JsonNode> e = it.next();
                total[0] += e.getKey().length() + 3; // quotes and colon
                add(e.getValue(), total, stopAbove);
            }
        } else if (node.isArray()) {
            total[0] += 2 + Math.max(0, node.size() - 1);
            for (int i = 0; i < node.size() && total[0] <= stopAbove; i++) {
                add(node.get(i), total, stopAbove);
            }
        } else if (node.isTextual()) {
            total[0] += node.textValue().length() + 2;
        } else {
            total[0] += node.asText().length(); // numbers, booleans, null
        }
    }
}
