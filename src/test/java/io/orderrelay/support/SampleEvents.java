package io.orderrelay.support;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.orderrelay.order.OrderView;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionView;

/** A fixed transition of partner acme's order acme-42, for tests of the envelope and its schemas. */
public final class SampleEvents {

    public static final Instant AT = Instant.parse("2026-11-25T10:00:00.123456Z");

    private SampleEvents() {
    }

    /** The transition {@code sequence} from {@code from} to {@code to}, with one gift card in {@code deliveryState}. */
    public static TransitionRecorded transition(UUID eventId, UUID orderId, int sequence, String from, String to,
            String deliveryState, ArrayNode redemption) {
        OrderView order = new OrderView(orderId, "acme", "acme-42", "up-1", to, sequence,
                new OrderView.PaymentView("USDC", "Solana", "USER_WALLET", "wallet", "100.5", "qr", "https://qr", "Paid", AT),
                List.of(new OrderView.DeliveryView("Airbnb", "US", "100", 1, deliveryState)), AT, AT);
        return new TransitionRecorded(eventId, order, new TransitionView(sequence, from, to, AT, "stream"), redemption,
                null);
    }
}
