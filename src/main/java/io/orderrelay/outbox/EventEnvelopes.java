package io.orderrelay.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderrelay.order.OrderState;
import io.orderrelay.order.OrderView;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionView;

/**
 * Builds the CloudEvents 1.0 structured-mode envelope of a transition (docs/events.md).
 *
 * <p>Plain Jackson rather than the CloudEvents SDK: the envelope is one fixed shape, the bytes must be
 * identical for Kafka and webhooks, and the records below fix the attribute order and the time format; the
 * SDK would add a dependency for a handful of fields. Tests validate the result
 * against the CloudEvents 1.0 required attributes with a JSON Schema.
 *
 * <p>Deterministic: the same {@link TransitionRecorded} always gives the same bytes (record component
 * order, the application's ObjectMapper: snake_case, nulls omitted inside {@code order}).
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

    /** The envelope's attributes, in the order they are written (docs/events.md). */
    record Envelope(String specversion, String id, String source, String type, String subject, String time,
            String datacontenttype, String dataschema,
            // CloudEvents distributed tracing extension: the trace of the work that caused the transition
            @JsonInclude(JsonInclude.Include.NON_NULL) String traceparent, Data data) {
    }

    /** {@code data}: the transition, then the order; its own nulls are written (e.g. {@code from_state} of the first). */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Data(String orderId, String upstreamOrderId, String partnerId, String clientReference, int sequence,
            String fromState, String toState, String occurredAt, String source, OrderView order) {
    }

    /** The envelope as published on Kafka and sent to webhook endpoints without {@code include_secrets}. */
    public byte[] envelope(TransitionRecorded event) {
        // written straight from records: no intermediate tree (this runs for every transition of a burst)
        try {
            return json.writeValueAsBytes(shape(event, false));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise an event envelope", e);
        }
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
        ObjectNode envelope = json.valueToTree(shape(event, withSecrets));
        if (withSecrets && envelope.get("data").get("order") instanceof ObjectNode order) {
            addRedemption(order, event.redemption());
        }
        return envelope;
    }

    private static Envelope shape(TransitionRecorded event, boolean withSecrets) {
        TransitionView t = event.transition();
        OrderView order = event.order();
        String orderId = order.id().toString();
        String at = rfc3339(t.occurredAt());
        return new Envelope(SPEC_VERSION, event.eventId().toString(), SOURCE, OrderState.eventType(t.toState()), orderId,
                at, CONTENT_TYPE, withSecrets ? DATA_SCHEMA_WITH_SECRETS : DATA_SCHEMA, event.traceparent(),
                new Data(orderId, order.upstreamOrderId(), order.partnerId(), order.clientReference(),
                        t.sequence(), t.fromState(), t.toState(), at, t.source(), order));
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
