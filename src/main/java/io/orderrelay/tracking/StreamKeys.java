package io.orderrelay.tracking;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.orderrelay.security.ApiKeyStore;

/** Whether the API keys holding event streams are still valid, asked of the database (never a cache). */
@ApplicationScoped
public class StreamKeys {

    private final EventStreamSlots slots;
    private final ApiKeyStore store;

    public StreamKeys(EventStreamSlots slots, ApiKeyStore store) {
        this.slots = slots;
        this.store = store;
    }

    Set<String> inUse() {
        return slots.keys();
    }

    /** Blocking: those of {@code keyIds} that are revoked or gone. */
    Set<String> revokedAmong(Set<String> keyIds) {
        Set<String> revoked = new HashSet<>();
        for (String keyId : keyIds) {
            UUID id;
            try {
                id = UUID.fromString(keyId);
            } catch (IllegalArgumentException e) {
                continue; // the bootstrap key: it lives in the configuration and cannot be revoked
            }
            if (store.find(id).map(key -> key.revokedAt != null).orElse(true)) {
                revoked.add(keyId);
            }
        }
        return revoked;
    }
}
