package io.orderrelay.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.orderrelay.order.Ids;
import io.orderrelay.problem.Problem;
import io.orderrelay.problem.ProblemException;
import io.orderrelay.security.SecretBox;
import io.orderrelay.tracing.Traceparents;

/** Endpoint management: validation, the per-partner limit, secrets, test events and manual retries. */
@ApplicationScoped
public class WebhookEndpoints {

    static final int MAX_DESCRIPTION = 500;

    private final EndpointStore endpoints;
    private final DeliveryStore deliveries;
    private final TargetGuard guard;
    private final SecretBox box;
    private final WebhookSettings settings;
    private final WebhookBodies bodies;
    private final WebhookFanOut fanOut;
    private final WebhookLimits limits;

    public WebhookEndpoints(EndpointStore endpoints, DeliveryStore deliveries, TargetGuard guard, SecretBox box,
            WebhookSettings settings, WebhookBodies bodies, WebhookFanOut fanOut, WebhookLimits limits) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.guard = guard;
        this.box = box;
        this.settings = settings;
        this.bodies = bodies;
        this.fanOut = fanOut;
        this.limits = limits;
    }

    /** The request to create one. */
    public record Create(String url, String description, List<String> eventTypes, Boolean includeSecrets) {
    }

    /** A new endpoint and its secret in clear, the only time besides a rotation that it is shown. */
    public record Created(Endpoint endpoint, String secret) {
    }

    /** A new endpoint; 409 when the partner already has the most allowed (every transition writes one row each). */
    @Transactional
    public Created create(String partnerId, Create body) {
        if (body == null) {
            throw ProblemException.badRequest("body", "a JSON body is required");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        String url = url(body.url(), errors);
        List<String> types = eventTypes(body.eventTypes(), errors);
        description(body.description(), errors);
        fail(errors);
        int max = limits.maxEndpointsPerPartner();
        if (endpoints.countOfPartnerLocked(partnerId) >= max) {
            throw new ProblemException(Problem.of(409, "webhook-endpoint-limit", "Too many webhook endpoints",
                    "A partner may have at most " + max + " webhook endpoints (disabled ones included); delete one "
                            + "before adding another"));
        }
        String secret = Signatures.newSecret();
        Instant now = now();
        Endpoint endpoint = new Endpoint(Ids.newId(), partnerId, url, body.description(), types,
                Boolean.TRUE.equals(body.includeSecrets()), true, null, box.seal(secret), null, null, null, now, now);
        endpoints.insert(endpoint);
        return new Created(endpoint, secret);
    }

    public List<Endpoint> list(String partnerId) {
        return endpoints.ofPartner(partnerId);
    }

    /** The endpoint, if it is this partner's; 404 otherwise (ids of other partners do not leak). */
    public Endpoint get(String partnerId, String id) {
        UUID uuid = uuid(id, "id");
        return endpoints.find(uuid).filter(e -> e.partnerId().equals(partnerId))
                .orElseThrow(() -> ProblemException.notFound("Webhook endpoint " + uuid));
    }

    /** PATCH: url, description, event_types (null = every event), enabled; other fields are refused. */
    @Transactional
    public Endpoint patch(String partnerId, String id, JsonNode body) {
        Endpoint e = getForUpdate(partnerId, id);
        if (!(body instanceof ObjectNode patch)) {
            throw ProblemException.badRequest("body", "a JSON object is required");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        String url = e.url();
        String description = e.description();
        List<String> types = e.eventTypes();
        boolean enabled = e.enabled();
        String disabledReason = e.disabledReason();
        Instant failingSince = e.failingSince();
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode v = field.getValue();
            switch (field.getKey()) {
                case "url" -> url = url(v.isTextual() ? v.asText() : v.isNull() ? null : "\u0000", errors);
                case "description" -> {
                    description = v.isNull() ? null : v.isTextual() ? v.asText() : null;
                    if (!v.isNull() && !v.isTextual()) {
                        errors.add(new Problem.FieldError("description", "must be a string"));
                    }
                    description(description, errors);
                }
                case "event_types" -> {
                    if (v.isNull()) {
                        types = null;
                    } else if (!v.isArray()) {
                        errors.add(new Problem.FieldError("event_types", "must be an array of event types, or null for all"));
                    } else {
                        List<String> list = new ArrayList<>();
                        v.forEach(t -> list.add(t.isTextual() ? t.asText() : null));
                        types = eventTypes(list, errors);
                    }
                }
                case "enabled" -> {
                    if (!v.isBoolean()) {
                        errors.add(new Problem.FieldError("enabled", "must be true or false"));
                    } else {
                        enabled = v.asBoolean();
                        disabledReason = null;
                        failingSince = enabled && !e.enabled() ? null : failingSince;
                    }
                }
                default -> errors.add(new Problem.FieldError(field.getKey(), "cannot be changed (url, description, "
                        + "event_types and enabled can)"));
            }
        }
        fail(errors);
        Endpoint changed = new Endpoint(e.id(), e.partnerId(), url, description, types, e.includeSecrets(), enabled,
                disabledReason, e.sealedSecret(), e.sealedPreviousSecret(), e.previousSecretUntil(), failingSince,
                e.createdAt(), now());
        endpoints.save(changed);
        return changed;
    }

    /** Like {@link #get}, with the row locked against a concurrent PATCH, rotation or automatic disabling. */
    private Endpoint getForUpdate(String partnerId, String id) {
        UUID uuid = uuid(id, "id");
        return endpoints.findForUpdate(uuid).filter(e -> e.partnerId().equals(partnerId))
                .orElseThrow(() -> ProblemException.notFound("Webhook endpoint " + uuid));
    }

    public void delete(String partnerId, String id) {
        endpoints.delete(get(partnerId, id).id());
    }

    /** A new secret; the current one keeps signing beside it for the overlap period (24 h). */
    @Transactional
    public Created rotate(String partnerId, String id) {
        Endpoint e = getForUpdate(partnerId, id);
        String secret = Signatures.newSecret();
        Instant now = now();
        Endpoint rotated = new Endpoint(e.id(), e.partnerId(), e.url(), e.description(), e.eventTypes(),
                e.includeSecrets(), e.enabled(), e.disabledReason(), box.seal(secret), e.sealedSecret(),
                now.plus(settings.previousSecretOverlap()), e.failingSince(), e.createdAt(), now);
        endpoints.save(rotated);
        return new Created(rotated, secret);
    }

    /** Queues a webhook.test event for this endpoint, whatever its event_types; answers the delivery. */
    @Transactional
    public DeliveryStore.Row test(String partnerId, String id) {
        Endpoint e = get(partnerId, id);
        if (!e.enabled()) {
            throw ProblemException.conflict("The endpoint is disabled: enable it first (PATCH enabled: true)");
        }
        UUID eventId = Ids.newId();
        UUID deliveryId = Ids.newId();
        deliveries.insert(List.of(new DeliveryStore.NewDelivery(deliveryId, e.id(), eventId, EventTypes.TEST, null,
                null, new String(bodies.test(eventId, e, now()), StandardCharsets.UTF_8), false, Traceparents.current())),
                now());
        fanOut.wakeAfterCommit();
        return new DeliveryStore.Row(deliveryId, e.id(), eventId, EventTypes.TEST, null, null, DeliveryStore.PENDING,
                now(), List.of());
    }

    public record Page(List<DeliveryStore.Row> items, String nextCursor) {
    }

    public Page deliveries(String partnerId, String id, String status, int limit, String cursor) {
        Endpoint e = get(partnerId, id);
        if (status != null && !List.of(DeliveryStore.PENDING, DeliveryStore.SUCCEEDED, DeliveryStore.FAILED).contains(status)) {
            throw ProblemException.badRequest("status", "must be pending, succeeded or failed");
        }
        UUID before;
        try {
            before = cursor == null ? null : UUID.fromString(cursor);
        } catch (IllegalArgumentException ex) {
            throw ProblemException.badRequest("cursor", "is not a cursor this API returned");
        }
        List<DeliveryStore.Row> rows = deliveries.list(e.id(), status, before, limit + 1);
        boolean more = rows.size() > limit;
        List<DeliveryStore.Row> page = more ? rows.subList(0, limit) : rows;
        return new Page(page, more ? page.get(page.size() - 1).id().toString() : null);
    }

    @Transactional
    public DeliveryStore.Row retry(String partnerId, String id, String deliveryId) {
        Endpoint e = get(partnerId, id);
        UUID uuid = uuid(deliveryId, "delivery_id");
        DeliveryStore.Row row = deliveries.find(e.id(), uuid).orElseThrow(() -> ProblemException.notFound("Delivery " + uuid));
        bodies.restoreIfRemoved(e, uuid, row.orderId(), row.sequence());
        if (!deliveries.retry(e.id(), uuid, row.orderId(), now())) {
            throw ProblemException.conflict("The delivery is being sent right now");
        }
        fanOut.wakeAfterCommit();
        return deliveries.find(e.id(), uuid).orElseThrow();
    }

    private String url(String url, List<Problem.FieldError> errors) {
        try {
            return guard.check(url).toString();
        } catch (TargetGuard.Refused e) {
            errors.add(new Problem.FieldError("url", e.getMessage()));
            return null;
        }
    }

    private static List<String> eventTypes(List<String> types, List<Problem.FieldError> errors) {
        if (types == null) {
            return null;
        }
        if (types.isEmpty()) {
            errors.add(new Problem.FieldError("event_types", "must list at least one event type; omit it for every event"));
            return null;
        }
        List<String> distinct = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            if (type == null || !EventTypes.KNOWN.contains(type)) {
                errors.add(new Problem.FieldError("event_types[" + i + "]", "unknown event type"
                        + (type == null ? "" : " " + type) + "; known: order.* or one of " + EventTypes.KNOWN));
            } else if (!distinct.contains(type)) {
                distinct.add(type);
            }
        }
        return distinct;
    }

    private static void description(String description, List<Problem.FieldError> errors) {
        if (description != null && description.length() > MAX_DESCRIPTION) {
            errors.add(new Problem.FieldError("description", "must be at most " + MAX_DESCRIPTION + " characters"));
        }
    }

    private static void fail(List<Problem.FieldError> errors) {
        if (errors.isEmpty()) {
            return;
        }
        String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        throw new ProblemException(Problem.of(400, "invalid-input", "Invalid input", detail).withErrors(errors));
    }

    static UUID uuid(String value, String field) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw ProblemException.badRequest(field, "must be an id (UUID)");
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
