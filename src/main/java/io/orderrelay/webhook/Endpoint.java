package io.orderrelay.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A stored webhook endpoint; the secrets are sealed (SecretBox). */
public record Endpoint(UUID id, String partnerId, String url, String description, List<String> eventTypes,
        boolean includeSecrets, boolean enabled, String disabledReason, String sealedSecret,
        String sealedPreviousSecret, Instant previousSecretUntil, Instant failingSince, Instant createdAt,
        Instant updatedAt) {

    public boolean wants(String eventType) {
        return EventTypes.matches(eventTypes, eventType);
    }
}
