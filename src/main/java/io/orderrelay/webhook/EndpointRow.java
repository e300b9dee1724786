package io.orderrelay.webhook;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A row of webhook_endpoints; the rest of the code sees it as an {@link Endpoint} (see {@link EndpointStore}). */
@Entity
@Table(name = "webhook_endpoints")
public class EndpointRow extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "partner_id")
    public String partnerId;

    public String url;

    public String description;

    /** Comma-separated, see {@link EventTypes#encode}; null = every event. */
    @Column(name = "event_types")
    public String eventTypes;

    @Column(name = "include_secrets")
    public boolean includeSecrets;

    public boolean enabled;

    @Column(name = "disabled_reason")
    public String disabledReason;

    /** Sealed by SecretBox: a secret. */
    public String secret;

    /** Sealed by SecretBox: a secret. */
    @Column(name = "previous_secret")
    public String previousSecret;

    @Column(name = "previous_secret_until")
    public Instant previousSecretUntil;

    @Column(name = "failing_since")
    public Instant failingSince;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    Endpoint toEndpoint() {
        return new Endpoint(id, partnerId, url, description, EventTypes.decode(eventTypes), includeSecrets, enabled,
                disabledReason, secret, previousSecret, previousSecretUntil, failingSince, createdAt, updatedAt);
    }

    /** Copies every field of {@code e} but the id, the partner and the creation time, which never change. */
    void set(Endpoint e) {
        url = e.url();
        description = e.description();
        eventTypes = EventTypes.encode(e.eventTypes());
        includeSecrets = e.includeSecrets();
        enabled = e.enabled();
        disabledReason = e.disabledReason();
        secret = e.sealedSecret();
        previousSecret = e.sealedPreviousSecret();
        previousSecretUntil = e.previousSecretUntil();
        failingSince = e.failingSince();
        updatedAt = e.updatedAt();
    }
}
