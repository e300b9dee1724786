package io.orderrelay.order;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The order as callers see it: no redemption secrets, no end-user email. */
public record OrderView(
        UUID id,
        String partnerId,
        String clientReference,
        String upstreamOrderId,
        String state,
        int sequence,
        PaymentView payment,
        List<DeliveryView> deliveries,
        Instant createdAt,
        Instant updatedAt) {

    /** {@code coin_amount} is a decimal string, never a float. */
    public record PaymentView(String coin, String network, String paymentVia, String walletAddress, String coinAmount,
            String qrText, String qrUrl, String paymentState, Instant payBefore) {
    }

    public record DeliveryView(String brandName, String countryCode, String denomination, int quantity,
            String deliveryState) {
    }
}
