package io.orderrelay.order;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Maps stored orders to what callers see. */
@ApplicationScoped
public class OrderViews {

    private static final TypeReference<List<OrderView.DeliveryView>> DELIVERIES = new TypeReference<>() {
    };

    private final ObjectMapper json;

    public OrderViews(ObjectMapper json) {
        this.json = json;
    }

    public OrderView view(Order order) {
        return new OrderView(order.id, order.partnerId, order.clientReference, order.upstreamOrderId, order.state,
                order.sequence,
                new OrderView.PaymentView(order.coin, order.network, order.paymentVia, order.walletAddress,
                        order.coinAmount == null ? null : order.coinAmount.toPlainString(), order.qrText, order.qrUrl,
                        order.paymentState, order.payBefore),
                deliveries(order), order.createdAt, order.updatedAt);
    }

    public List<OrderView.DeliveryView> deliveries(Order order) {
        try {
            return json.readValue(order.deliveries, DELIVERIES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored deliveries of order " + order.id + " are unreadable", e);
        }
    }

    public String deliveriesJson(List<OrderView.DeliveryView> deliveries) {
        return write(deliveries);
    }

    public String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}
