package io.orderrelay.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderrelay.order.Order;
import io.orderrelay.order.OrderViews;
import io.orderrelay.outbox.EventEnvelopes;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionView;
import io.orderrelay.security.SecretBox;
import org.hibernate.Session;

/**
 * The bytes a webhook carries. For a transition they are the Kafka record's envelope (the one place that calls the
 * envelope builder), or its redemption-bearing variant for include_secrets endpoints.
 */
@ApplicationScoped
public class WebhookBodies {

    /** The CloudEvents dataschema of webhook.test (docs/schemas/webhook-test.v1.json). */
    public static final String TEST_DATA_SCHEMA = "https://order-relay.example/schemas/webhook-test.v1.json";

    private final EventEnvelopes envelopes;
    private final ObjectMapper json;
    private final EntityManager em;
    private final OrderViews views;
    private final SecretBox box;

    public WebhookBodies(EventEnvelopes envelopes, ObjectMapper json, EntityManager em, OrderViews views, SecretBox box) {
        this.envelopes = envelopes;
        this.json = json;
        this.em = em;
        this.views = views;
        this.box = box;
    }

    /**
     * The envelope of a transition: the Kafka record's bytes, or with the redemption data when {@code withSecrets}
     * (include_secrets endpoints only).
     */
    public byte[] transition(TransitionRecorded event, boolean withSecrets) {
        return withSecrets ? envelopes.envelopeWithSecrets(event) : envelopes.envelope(event);
    }

    /**
     * The body of a transition for this endpoint, rebuilt from the order as it is now (for an event never queued
     * for it, or whose sealed body was removed when its delivery ended): with the order's redemption data and
     * sealed for include_secrets endpoints, as stored. Runs in the caller's transaction.
     */
    public String rebuilt(Endpoint endpoint, UUID orderId, TransitionView transition, UUID eventId) {
        Order order = em.find(Order.class, orderId);
        boolean secrets = endpoint.includeSecrets();
        ArrayNode redemption = secrets && order.redemptionSealed != null
                && readTree(box.open(order.redemptionSealed)) instanceof ArrayNode all ? all : null;
        byte[] body = transition(new TransitionRecorded(eventId, views.view(order), transition, redemption, null),
                secrets);
        return secrets ? box.seal(body) : new String(body, StandardCharsets.UTF_8);
    }

    /** Like {@link #rebuilt(Endpoint, UUID, TransitionView, UUID)} for the order's transition {@code sequence}. */
    public String rebuilt(Endpoint endpoint, UUID orderId, int sequence) {
        Tuple t = em.unwrap(Session.class).createNativeQuery("""
                select sequence, event_id, from_state, to_state, occurred_at, source from order_transitions
                where order_id = ?1 and sequence = ?2""", Tuple.class)
                .setParameter(1, orderId).setParameter(2, sequence)
                .addScalar("sequence", Integer.class).addScalar("event_id", UUID.class)
                .addScalar("from_state", String.class).addScalar("to_state", String.class)
                .addScalar("occurred_at", Instant.class).addScalar("source", String.class)
                .getSingleResult();
        return rebuilt(endpoint, orderId, TransitionView.of(t), t.get("event_id", UUID.class));
    }

    /**
     * A delivery whose sealed body was removed when it ended gets it back, rebuilt from the order (a retry by hand).
     * Runs in the caller's transaction.
     */
    public void restoreIfRemoved(Endpoint endpoint, UUID deliveryId, UUID orderId, Integer sequence) {
        if (orderId == null || sequence == null) {
            return; // a webhook.test event: its body is never removed
        }
        boolean removed = !em.createNativeQuery("select 1 from webhook_deliveries where id = ?1 and body is null")
                .setParameter(1, deliveryId).getResultList().isEmpty();
        if (removed) {
            em.createNativeQuery("update webhook_deliveries set body = ?1 where id = ?2 and body is null")
                    .setParameter(1, rebuilt(endpoint, orderId, sequence)).setParameter(2, deliveryId).executeUpdate();
        }
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sealed redemption data is not JSON");
        }
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
        envelope.put("dataschema", TEST_DATA_SCHEMA);
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
