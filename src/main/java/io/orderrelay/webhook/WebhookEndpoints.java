package io.orderrelay.webhook;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.orderrelay.order.Ids;
import io.orderrelay.problem.Problem;
import io.orderrelay.security.SecretBox;

/**
 * Endpoint management: create (within the per-partner limit), read, PATCH, delete, and secret rotation. Refusals are
 * {@link WebhookRefusal}s; test events, retries and replays have their own services.
 */
@ApplicationScoped
public class WebhookEndpoints {

    private final EndpointStore endpoints;
    private final EndpointRules rules;
    private final SecretBox box;
    private final WebhookSettings settings;
    private final WebhookLimits limits;
    private final Clock clock;

    public WebhookEndpoints(EndpointStore endpoints, EndpointRules rules, SecretBox box, WebhookSettings settings,
            WebhookLimits limits, Clock clock) {
        this.endpoints = endpoints;
        this.rules = rules;
        this.box = box;
        this.settings = settings;
        this.limits = limits;
        this.clock = clock;
    }

    /** The request to create one. */
    public record Create(String url, String description, List<String> eventTypes, Boolean includeSecrets) {
    }

    /** A new endpoint and its secret in clear, the only time besides a rotation that it is shown. */
    public record Created(Endpoint endpoint, String secret) {
    }

    /** A new endpoint; refused when the partner already has the most allowed (every transition writes one row each). */
    @Transactional
    public Created create(String partnerId, Create body) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String url = rules.url(body.url(), errors);
        List<String> types = EndpointRules.eventTypes(body.eventTypes(), errors);
        EndpointRules.description(body.description(), errors);
        EndpointRules.refuseIfAny(errors);
        int max = limits.maxEndpointsPerPartner();
        if (endpoints.countOfPartnerLocked(partnerId) >= max) {
            throw new WebhookRefusal.EndpointLimit(max);
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

    /** The endpoint, if it is this partner's (ids of other partners do not leak). */
    public Endpoint get(String partnerId, UUID id) {
        return endpoints.find(id).filter(e -> e.partnerId().equals(partnerId))
                .orElseThrow(() -> new WebhookRefusal.UnknownEndpoint(id));
    }

    /** Changes url, description, event_types (null = every event) and enabled; other fields are refused. */
    @Transactional
    public Endpoint patch(String partnerId, UUID id, EndpointPatch patch) {
        Endpoint e = getForUpdate(partnerId, id);
        List<Problem.FieldError> errors = new ArrayList<>();
        String url = patch.url().present() ? rules.url(patch.url().merged(null), errors) : e.url();
        String description = patch.description().merged(e.description());
        EndpointRules.description(description, errors);
        List<String> types = patch.eventTypes().present()
                ? EndpointRules.eventTypes(patch.eventTypes().merged(null), errors) : e.eventTypes();
        boolean enabled = e.enabled();
        String disabledReason = e.disabledReason();
        Instant failingSince = e.failingSince();
        if (patch.enabled() instanceof Patch.Null) {
            errors.add(new Problem.FieldError("enabled", "must be true or false"));
        } else if (patch.enabled() instanceof Patch.Value<Boolean> value) {
            enabled = value.value();
            disabledReason = null;
            failingSince = enabled && !e.enabled() ? null : failingSince;
        }
        patch.others().keySet().forEach(field -> errors.add(new Problem.FieldError(field,
                "cannot be changed (url, description, event_types and enabled can)")));
        EndpointRules.refuseIfAny(errors);
        Endpoint changed = new Endpoint(e.id(), e.partnerId(), url, description, types, e.includeSecrets(), enabled,
                disabledReason, e.sealedSecret(), e.sealedPreviousSecret(), e.previousSecretUntil(), failingSince,
                e.createdAt(), now());
        endpoints.save(changed);
        return changed;
    }

    /** Like {@link #get}, with the row locked against a concurrent PATCH, rotation or automatic disabling. */
    private Endpoint getForUpdate(String partnerId, UUID id) {
        return endpoints.findForUpdate(id).filter(e -> e.partnerId().equals(partnerId))
                .orElseThrow(() -> new WebhookRefusal.UnknownEndpoint(id));
    }

    public void delete(String partnerId, UUID id) {
        endpoints.delete(get(partnerId, id).id());
    }

    /** A new secret; the current one keeps signing beside it for the overlap period (24 h). */
    @Transactional
    public Created rotate(String partnerId, UUID id) {
        Endpoint e = getForUpdate(partnerId, id);
        String secret = Signatures.newSecret();
        Instant now = now();
        Endpoint rotated = new Endpoint(e.id(), e.partnerId(), e.url(), e.description(), e.eventTypes(),
                e.includeSecrets(), e.enabled(), e.disabledReason(), box.seal(secret), e.sealedSecret(),
                now.plus(settings.previousSecretOverlap()), e.failingSince(), e.createdAt(), now);
        endpoints.save(rotated);
        return new Created(rotated, secret);
    }

    private Instant now() {
        return clock.instant();
    }
}
