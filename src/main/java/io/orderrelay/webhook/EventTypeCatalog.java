package io.orderrelay.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.OrderView;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionView;
import io.orderrelay.outbox.EventEnvelopes;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The event types an endpoint may subscribe to ({@link EventTypes#KNOWN}), each with the schema its body follows and
 * an example built by the code that builds the real events ({@link EventEnvelopes}, {@link WebhookBodies}), so the
 * example cannot drift from what is sent. Built once: it depends on nothing but constants.
 */
@ApplicationScoped
public class EventTypeCatalog {

    static final String SCHEMAS = "/v1/schemas/";
    static final String ORDER_EVENT = SCHEMAS + "order-event.v1.json";
    static final String ORDER_EVENT_WITH_SECRETS = SCHEMAS + "order-event-with-secrets.v1.json";
    static final String TEST_EVENT = SCHEMAS + "webhook-test-event.v1.json";

    private static final Instant AT = Instant.parse("2026-11-25T10:00:00.123456Z");
    private static final UUID ORDER_ID = UUID.fromString("01937a4e-8c1f-7a52-9d0e-5b3c2f1a7e90");
    private static final UUID EVENT_ID = UUID.fromString("01937a4e-9b20-7c11-8e4f-2a6d0c9b5f31");
    /** The usual way an order goes: an example's {@code from_state} is the state before it here. */
    private static final List<String> LIFECYCLE = List.of(OrderState.SUBMITTING, "Created", "WaitingForPayment",
            "PaymentStarted", "PaymentReceived", "WaitingForDelivery", "Done");
    private static final Map<String, String> DESCRIPTIONS = Map.of(
            EventTypes.ALL_ORDERS, "Every order event, states unknown today included",
            EventTypes.TEST, "Sent on request (POST .../webhook-endpoints/{id}/test), whatever the subscription");

    @Schema(name = "EventType")
    public record EventType(
            @Schema(description = "The CloudEvents type, e.g. order.done; order.* subscribes to every order event")
            String type,
            @Schema(description = "The order state it announces; absent for order.* and webhook.test") String state,
            String description,
            @Schema(description = "The JSON Schema of the whole body (served under /v1/schemas/)") String schema,
            @Schema(description = "The schema of include_secrets endpoints' bodies, for order events")
            String schemaWithSecrets,
            @Schema(implementation = Object.class, description = "An example body; absent for order.*") JsonNode example) {
    }

    @Schema(name = "EventTypeList")
    public record EventTypeList(List<EventType> items) {
    }

    private final EventTypeList all;

    public EventTypeCatalog(EventEnvelopes envelopes, WebhookBodies bodies, ObjectMapper json) {
        List<EventType> items = new ArrayList<>();
        for (String type : EventTypes.KNOWN) {
            if (type.equals(EventTypes.ALL_ORDERS)) {
                items.add(new EventType(type, null, DESCRIPTIONS.get(type), ORDER_EVENT, ORDER_EVENT_WITH_SECRETS, null));
            } else if (type.equals(EventTypes.TEST)) {
                items.add(new EventType(type, null, DESCRIPTIONS.get(type), TEST_EVENT, null, testExample(bodies, json)));
            } else {
                String state = stateOf(type);
                items.add(new EventType(type, state, "The order entered " + state, ORDER_EVENT, ORDER_EVENT_WITH_SECRETS,
                        envelopes.tree(example(state), false)));
            }
        }
        this.all = new EventTypeList(List.copyOf(items));
    }

    public EventTypeList all() {
        return all;
    }

    private static String stateOf(String type) {
        return java.util.stream.Stream.concat(OrderState.LOCAL.stream(), OrderState.UPSTREAM_KNOWN.stream())
                .filter(s -> OrderState.eventType(s).equals(type)).findFirst().orElseThrow();
    }

    /** A transition of a sample order into {@code state}, from the state before it in the usual way. */
    private static TransitionRecorded example(String state) {
        int at = LIFECYCLE.indexOf(state);
        boolean local = OrderState.LOCAL.contains(state);
        String from = at == 0 ? null : at > 0 ? LIFECYCLE.get(at - 1)
                : local ? OrderState.SUBMITTING : "WaitingForPayment";
        int sequence = at >= 0 ? at + 1 : local ? 2 : 4;
        OrderView.PaymentView payment = new OrderView.PaymentView("USDC", "Solana", "USER_WALLET",
                "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU", "100.5", "solana:7xKX...", "https://qr.example/1",
                "Paid", AT.plusSeconds(900));
        OrderView order = new OrderView(ORDER_ID, "acme", "acme-42", local ? null : "up-9f2c", state, sequence, payment,
                List.of(new OrderView.DeliveryView("Airbnb", "US", "100", 1, "Pending")), AT, AT);
        return new TransitionRecorded(EVENT_ID, order, new TransitionView(sequence, from, state, AT,
                from == null || from.equals(OrderState.SUBMITTING) ? "create" : "stream"), null,
                null);
    }

    private static JsonNode testExample(WebhookBodies bodies, ObjectMapper json) {
        UUID endpoint = UUID.fromString("01937a4e-a001-7d22-9c3b-4e5f6a7b8c9d");
        Endpoint sample = new Endpoint(endpoint, "acme", "https://partner.example/hooks", null, null, false, true, null,
                null, null, null, null, AT, AT);
        try {
            return json.readTree(bodies.test(EVENT_ID, sample, AT));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
