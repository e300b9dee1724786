package io.orderrelay.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderrelay.outbox.EventEnvelopes;
import io.orderrelay.order.TransitionRecorded;

/**
 * The bytes a webhook carries. For a transition they are the Kafka record's envelope (the one place that calls the
 * envelope builder), or its redemption-bearing variant for include_secrets endpoints.
 */
@ApplicationScoped
public class WebhookBodies {

    private final EventEnvelopes envelopes;
    private final ObjectMapper json;

    public WebhookBodies(EventEnvelopes envelopes, ObjectMapper json) {
        this.envelopes = envelopes;
        this.json = json;
    }

    /**
     * The envelope of a transition: the Kafka record's bytes, or with the redemption data when {@code withSecrets}
     * (include_secrets endpoints only).
     */
    public byte[] transition(TransitionRecorded event, boolean withSecrets) {
        return withSecrets ? envelopes.envelopeWithSecrets(event) : envelopes.envelope(event);
    }

    /** A {@code webhook.test} event, CloudEvents like the others. */
    public byte[] test(UUID eventId, Endpoint endpoint, Instant at) {
        ObjectNode envelope = json.createObjectNode();
        envelope.put("specversion", EventEnvelopes.SPEC_VERSION);
        envelope.put("id", eventId.toString());
        envelope.put("source", EventEnvelopes.SOURCE);
        envelope.put("type", EventTypes.TEST);
        envelope.put("subject", endpoint.id().toString());
        envelope.put("time", DateTimeFormatter.ISO_INSTANT.format(at));
        envelope.put("datacontenttype", EventEnvelopes.CONTENT_TYPE);
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
