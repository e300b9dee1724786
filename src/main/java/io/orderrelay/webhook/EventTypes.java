package io.orderrelay.webhook;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.orderrelay.order.OrderState;

/** The event types an endpoint may subscribe to, and the matching of a subscription. */
public final class EventTypes {

    public static final String ALL_ORDERS = "order.*";
    public static final String TEST = "webhook.test";

    /** order.&lt;snake state&gt; for every known state, local ones included, plus order.* and webhook.test. */
    public static final Set<String> KNOWN;

    static {
        TreeSet<String> known = new TreeSet<>();
        OrderState.LOCAL.forEach(s -> known.add(OrderState.eventType(s)));
        OrderState.UPSTREAM_KNOWN.forEach(s -> known.add(OrderState.eventType(s)));
        known.add(ALL_ORDERS);
        known.add(TEST);
        KNOWN = java.util.Collections.unmodifiableSet(known);
    }

    private EventTypes() {
    }

    /** {@code subscribed} null means every event; {@code order.*} every order event, unknown states included. */
    public static boolean matches(List<String> subscribed, String type) {
        if (subscribed == null) {
            return true;
        }
        return subscribed.contains(type) || (type.startsWith("order.") && subscribed.contains(ALL_ORDERS));
    }

    static List<String> decode(String stored) {
        return stored == null ? null : stored.isEmpty() ? List.of() : List.of(stored.split(","));
    }

    static String encode(List<String> types) {
        return types == null ? null : String.join(",", types);
    }
}
