package io.orderrelay.upstream;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The upstream order object (create answer, GET answer, stream message), read tolerantly: unknown fields
 * ignored, unknown states kept, timestamps as numbers or strings, amounts as exact decimals; but never larger
 * than {@link UpstreamLimits} allow.
 *
 * @param raw the object as received, redemption secrets included: never log it
 */
public record UpstreamOrder(
        String orderId,
        String orderState,
        BigDecimal createdAt,
        BigDecimal updatedAt,
        String walletAddress,
        String coin,
        String network,
        String paymentVia,
        BigDecimal coinAmount,
        String qrText,
        String qrUrl,
        String paymentState,
        List<Delivery> deliveries,
        JsonNode raw) {

    /** Redemption fields: the gift card itself, a secret. */
    static final List<String> REDEMPTION_FIELDS = List.of("pin_code", "pin_serial", "barcode_image_url", "redeem_instructions");

    /**
     * @param redemption the redemption fields present on the deliverable, or null before Done
     */
    public record Delivery(String id, String deliveryState, String brandName, String countryCode, String denomination,
            ObjectNode redemption) {
    }

    /** Thrown for a payload that is not an order of the expected id, or over a limit: to be counted and ignored. */
    public static final class InvalidPayload extends RuntimeException {
        public InvalidPayload(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Validates and reads an order object.
     *
     * @param expectedOrderId the order we asked for, or null to accept any id
     */
    public static UpstreamOrder parse(JsonNode node, String expectedOrderId) {
        if (node == null || !node.isObject()) {
            throw new InvalidPayload("not a JSON object");
        }
        UpstreamLimits.check(node);
        JsonNode id = node.get("order_id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new InvalidPayload("order_id missing or not a string");
        }
        if (expectedOrderId != null && !expectedOrderId.equals(id.asText())) {
            throw new InvalidPayload("order_id is not the expected order");
        }
        JsonNode state = node.get("order_state");
        if (state == null || !state.isTextual() || state.asText().isBlank()) {
            throw new InvalidPayload("order_state missing or not a string");
        }
        return new UpstreamOrder(id.asText(), state.asText(), epoch(node.get("created_at")), epoch(node.get("updated_at")),
                text(node, "wallet_address"), text(node, "coin"), text(node, "network"), text(node, "payment_via"),
                decimal(node.get("coin_amount")), text(node, "qr_text"), text(node, "qr_url"), text(node, "payment_state"),
                deliveries(node.get("deliveries")), node);
    }

    public Optional<Instant> updatedAtInstant() {
        return Optional.ofNullable(updatedAt).map(UpstreamOrder::instant);
    }

    public Optional<Instant> createdAtInstant() {
        return Optional.ofNullable(createdAt).map(UpstreamOrder::instant);
    }

    private static Instant instant(BigDecimal epochSeconds) {
        long seconds = epochSeconds.longValue();
        long nanos = epochSeconds.subtract(BigDecimal.valueOf(seconds)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static List<Delivery> deliveries(JsonNode array) {
        List<Delivery> result = new ArrayList<>();
        if (array == null || !array.isArray()) {
            return result;
        }
        for (JsonNode d : array) {
            JsonNode deliverable = d.path("deliverable");
            ObjectNode redemption = null;
            for (String field : REDEMPTION_FIELDS) {
                if (deliverable.hasNonNull(field)) {
                    if (redemption == null) {
                        redemption = ((ObjectNode) deliverable).objectNode();
                    }
                    redemption.set(field, deliverable.get(field));
                }
            }
            result.add(new Delivery(text(d, "id"), text(d, "delivery_state"), text(deliverable, "brand_name"),
                    text(deliverable, "country_code"), text(deliverable, "denomination"), redemption));
        }
        return result;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static BigDecimal decimal(JsonNode value) {
        return exact(value, "amount is not a decimal");
    }

    private static BigDecimal epoch(JsonNode value) {
        return exact(value, "timestamp is not epoch seconds");
    }

    /** A number or a numeric string (upstream sends both), read exactly. */
    private static BigDecimal exact(JsonNode value, String problem) {
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return value.isNumber() ? value.decimalValue() : new BigDecimal(value.asText().trim());
        } catch (NumberFormatException e) {
            throw new InvalidPayload(problem);
        }
    }
}
