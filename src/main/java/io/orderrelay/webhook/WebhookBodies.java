package io.orderrelay.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionView;

/**
 * The bytes a webhook carries. For a transition they are the Kafka record's envelope (the one place that calls the
 * envelope builder), or its redemption-bearing variant for include_secrets endpoints.
 */
@ApplicationScoped
public class WebhookBodies {

    private final ObjectMapper json;

    public WebhookBodies(ObjectMapper json) {
        this.json = json;
    }

    /** The envelope of a transition; with the redemption data only when {@code withSecrets}. */
    public byte[] transition(TransitionRecorded event, boolean withSecrets) {
        // INTERIM until io.orderrelay.outbox.EventEnvelopes is merged: same shape, replaced by a call to it.
        TransitionView t = event.transition();
        ObjectNode envelope = json.createObjectNode();
        envelope.put("specversion", "1.0");
        envelope.put("id", event.eventId().toString());
        envelope.put("source", "/order-relay");
        envelope.put("type", OrderState.eventType(t.toState()));
        envelope.put("subject", event.order().id().toString());
        envelope.put("time", DateTimeFormatter.ISO_INSTANT.format(t.occurredAt()));
        envelope.put("datacontenttype", "application/json");
        ObjectNode data = envelope.putObject("data");
        data.put("order_id", event.order().id().toString());
        data.put("upstream_order_id", event.order().upstreamOrderId());
        data.put("partner_id", event.order().partnerId());
        data.put("client_reference", event.order().clientReference());
        data.put("sequence", t.sequence());
        data.put("from_state", t.fromState());
        data.put("to_state", t.toState());
        data.put("occurred_at", DateTimeFormatter.ISO_INSTANT.format(t.occurredAt()));
        data.put("source", t.source());
        ObjectNode order = json.valueToTree(event.order());
        if (withSecrets && event.redemption() != null && order.get("deliveries") != null) {
            JsonNode deliveries = order.get("deliveries");
            for (int i = 0; i < deliveries.size() && i < event.redemption().size(); i++) {
                JsonNode secret = event.redemption().get(i);
                if (secret != null && !secret.isNull() && deliveries.get(i) instanceof ObjectNode d) {
                    d.set("redemption", secret.deepCopy());
                }
            }
        }
        data.set("order", order);
        return bytes(envelope);
    }

    /** A {@code webhook.test} event, CloudEvents like the others. */
    public byte[] test(UUID eventId, Endpoint endpoint, Instant at) {
        ObjectNode envelope = json.createObjectNode();
        envelope.put("specversion", "1.0");
        envelope.put("id", eventId.toString());
        envelope.put("source", "/order-relay");
        envelope.put("type", EventTypes.TEST);
        envelope.put("subject", endpoint.id().toString());
        envelope.put("time", DateTimeFormatter.ISO_INSTANT.format(at));
        envelope.put("datacontenttype", "application/json");
        ObjectNode data = envelope.putObject("data");
        data.put("endpoint_id", endpoint.id().toString());
        data.put("partner_id", endpoint.partnerId());
        data.put("message", "This is a test event from order-relay.");
        return bytes(envelope);
    }

    private byte[] bytes(ObjectNode tree) {
        try {
            return json.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a webhook body", e);
        }
    }
}
