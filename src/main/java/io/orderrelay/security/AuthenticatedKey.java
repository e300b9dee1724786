package io.orderrelay.security;

import java.util.Set;

/** What a valid key grants; immutable, so it can be cached. {@code partnerId} is null for an unbound key. */
record AuthenticatedKey(String keyId, String name, Set<String> scopes, String partnerId) {

    static final String BOOTSTRAP_ID = "bootstrap";

    static AuthenticatedKey bootstrap() {
        return new AuthenticatedKey(BOOTSTRAP_ID, "bootstrap admin key", Set.copyOf(Scopes.ALL), null);
    }
}
