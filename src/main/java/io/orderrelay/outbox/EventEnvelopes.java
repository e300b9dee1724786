package io.orderrelay.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionView;

/**
 * Builds the CloudEvents 1.0 structured-mode envelope of a transition (docs/events.md).
 *
 * <p>Plain Jackson rather than the CloudEvents SDK: the envelope is one fixed shape, the bytes must be
 * identical for Kafka and webhooks, and building the tree ourselves fixes the attribute order and the
 * time format; the SDK would add a dependency for a handful of fields. Tests validate the result
 * against the CloudEvents 1.0 required attributes with a JSON Schema.
 *
 * <p>Deterministic: the same {@link TransitionRecorded} always gives the same bytes (insertion-ordered
 * tree, the application's ObjectMapper: snake_case, nulls omitted inside {@code order}).
 */
@ApplicationScoped
public class EventEnvelopes {

    public static final String SPEC_VERSION = "1.0";
    public static final String SOURCE = "/order-relay";
    public static final String CONTENT_TYPE = "application/json";
    /** The CloudEvents dataschema: the JSON Schema (docs/schemas, served at /v1/schemas) and version data follows. */
    public static final String DATA_SCHEMA = "https://order-relay.example/schemas/order-transition.v1.json";
    public static final String DATA_SCHEMA_WITH_SECRETS =
            "https://order-relay.example/schemas/order-transition-with-secrets.v1.json";

    private final ObjectMapper json;

    public EventEnvelopes(ObjectMapper json) {
        this.json = json;
    }

    /** The envelope as published on Kafka and sent to webhook endpoints without {@code include_secrets}. */
    public byte[] envelope(TransitionRecorded event) {
        return bytes(tree(event, false));
    }

    /**
     * The envelope with {@code data.order.deliveries[i].redemption} from {@link TransitionRecorded#redemption()}:
     * only for webhook endpoints created with {@code include_secrets: true}; never published on Kafka.
     */
    public byte[] envelopeWithSecrets(TransitionRecorded event) {
        return bytes(tree(event, true));
    }

    /** The envelope as a tree (same content as {@link #envelope}), e.g. to embed it in another document. */
    public ObjectNode tree(TransitionRecorded event, boolean withSecrets) {
        TransitionView t = event.transition();
        String orderId = event.order().id().toString();
        ObjectNode envelope = json.createObjectNode();
        envelope.put("specversion", SPEC_VERSION);
        envelope.put("id", event.eventId().toString());
        envelope.put("source", SOURCE);
        envelope.put("type", OrderState.eventType(t.toState()));
        envelope.put("subject", orderId);
        envelope.put("time", rfc3339(t.occurredAt()));
        envelope.put("datacontenttype", CONTENT_TYPE);
        envelope.put("dataschema", withSecrets ? DATA_SCHEMA_WITH_SECRETS : DATA_SCHEMA);
        if (event.traceparent() != null) {
            // CloudEvents distributed tracing extension: the trace of the work that caused the transition
            envelope.put("traceparent", event.traceparent());
        }
        ObjectNode data = envelope.putObject("data");
        data.put("order_id", orderId);
        data.put("upstream_order_id", event.order().upstreamOrderId());
        data.put("partner_id", event.order().partnerId());
        data.put("client_reference", event.order().clientReference());
        data.put("sequence", t.sequence());
        data.put("from_state", t.fromState());
        data.put("to_state", t.toState());
        data.put("occurred_at", rfc3339(t.occurredAt()));
        data.put("source", t.source());
        ObjectNode order = json.valueToTree(event.order());
        if (withSecrets) {
            addRedemption(order, event.redemption());
        }
        data.set("order", order);
        return envelope;
    }

    private static void addRedemption(ObjectNode order, ArrayNode redemption) {
        JsonNode deliveries = order.get("deliveries");
        if (redemption == null || deliveries == null || !deliveries.isArray()) {
            return;
        }
        for (int i = 0; i < deliveries.size() && i < redemption.size(); i++) {
            JsonNode secret = redemption.get(i);
            if (secret != null && !secret.isNull() && deliveries.get(i) instanceof ObjectNode delivery) {
                delivery.set("redemption", secret.deepCopy());
            }
        }
    }

    /** RFC 3339 in UTC, e.g. 2026-11-25T10:00:00.123456Z (what Jackson writes for Instants too). */
    static String rfc3339(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    private byte[] bytes(ObjectNode tree) {
        try {
            return json.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an event envelope", e);
        }
    }
}
