package io.orderrelay.order;

import java.util.Locale;
import java.util.Set;

/**
 * The single state machine of an order. States are strings: upstream's set is open, and an unknown
 * state is stored and passed on as received, never treated as terminal.
 */
public final class OrderState {

    public static final String SUBMITTING = "Submitting";
    public static final String SUBMISSION_UNCERTAIN = "SubmissionUncertain";
    public static final String REJECTED = "Rejected";

    /** States only we know: upstream has not (knowingly) seen the order. */
    public static final Set<String> LOCAL = Set.of(SUBMITTING, SUBMISSION_UNCERTAIN, REJECTED);

    public static final Set<String> TERMINAL = Set.of(REJECTED, "Done", "Expired", "PaymentFailed",
            "PaymentSetupFailed", "Refunded", "Canceled");

    /** States in which nobody follows the order upstream: not yet (or never) known there, or ended. */
    public static final Set<String> UNTRACKABLE = union(LOCAL, TERMINAL);

    public static final Set<String> UPSTREAM_KNOWN = Set.of("Created", "WaitingForPayment", "PaymentStarted",
            "PartialPaymentStarted", "PaymentReceived", "WaitingForDelivery", "WaitingForManualAction", "Done",
            "Expired", "PaymentFailed", "PaymentSetupFailed", "Refunded", "Canceled");

    private OrderState() {
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return java.util.Collections.unmodifiableSet(all);
    }

    public static boolean isTerminal(String state) {
        return TERMINAL.contains(state);
    }

    /** {@code order.} + snake_case of the state: {@code WaitingForDelivery -> order.waiting_for_delivery}. */
    public static String eventType(String state) {
        // every transition asks (outbox row, envelope, each delivery): the regexes run once per state
        String known = EVENT_TYPES.get(state);
        if (known != null) {
            return known;
        }
        String type = toEventType(state);
        if (EVENT_TYPES.size() < 256) { // upstream names the states: bounded whatever it sends
            EVENT_TYPES.put(state, type);
        }
        return type;
    }

    private static final java.util.Map<String, String> EVENT_TYPES = new java.util.concurrent.ConcurrentHashMap<>();

    private static String toEventType(String state) {
        String snake = state.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .replaceAll("([A-Z]+)([A-Z][a-z])", "$1_$2")
                .replaceAll("[^A-Za-z0-9]+", "_")
                .toLowerCase(Locale.ROOT);
        return "order." + snake;
    }
}
