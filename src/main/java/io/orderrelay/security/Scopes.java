package io.orderrelay.security;

import java.util.List;
import java.util.Set;

/** API key scopes. They are the roles of the caller's SecurityIdentity: use them in {@code @RolesAllowed}. */
public final class Scopes {

    public static final String ORDERS_READ = "orders:read";
    public static final String ORDERS_WRITE = "orders:write";
    /** Redemption data (pin codes ...): every read is audited. */
    public static final String ORDERS_SECRETS = "orders:secrets";
    public static final String WEBHOOKS_MANAGE = "webhooks:manage";
    /** Managing API keys. Never granted to a partner-bound key. */
    public static final String ADMIN = "admin";

    /** In a stable order, for answers and documentation. */
    public static final List<String> ALL = List.of(ORDERS_READ, ORDERS_WRITE, ORDERS_SECRETS, WEBHOOKS_MANAGE, ADMIN);

    private static final Set<String> KNOWN = Set.copyOf(ALL);

    private Scopes() {
    }

    public static boolean isKnown(String scope) {
        return scope != null && KNOWN.contains(scope);
    }
}
