package io.orderrelay.sandbox;

import java.util.List;
import java.util.Set;

/** Upstream order states as the sandbox knows them, and the path an order follows by default. */
final class OrderStates {

    static final String CREATED = "Created";
    static final String WAITING_FOR_PAYMENT = "WaitingForPayment";
    static final String PAYMENT_STARTED = "PaymentStarted";
    static final String PARTIAL_PAYMENT_STARTED = "PartialPaymentStarted";
    static final String PAYMENT_RECEIVED = "PaymentReceived";
    static final String WAITING_FOR_DELIVERY = "WaitingForDelivery";
    static final String WAITING_FOR_MANUAL_ACTION = "WaitingForManualAction";
    static final String DONE = "Done";
    static final String EXPIRED = "Expired";
    static final String PAYMENT_FAILED = "PaymentFailed";
    static final String PAYMENT_SETUP_FAILED = "PaymentSetupFailed";
    static final String REFUNDED = "Refunded";
    static final String CANCELED = "Canceled";

    static final Set<String> TERMINAL = Set.of(DONE, EXPIRED, PAYMENT_FAILED, PAYMENT_SETUP_FAILED, REFUNDED, CANCELED);

    /** The default life of an order, from its first state. */
    static final List<String> DEFAULT_PATH = List.of(WAITING_FOR_PAYMENT, PAYMENT_RECEIVED, WAITING_FOR_DELIVERY, DONE);

    private OrderStates() {
    }

    static boolean isTerminal(String state) {
        return TERMINAL.contains(state);
    }

    /**
     * What remains after an operator forces {@code state}: the rest of the default path when the state is on it or
     * close to it, nothing for terminal states, and {@code null} (keep the current remaining path) for unknown states.
     */
    static List<String> pathAfter(String state) {
        if (isTerminal(state)) {
            return List.of();
        }
        int i = DEFAULT_PATH.indexOf(state);
        if (i >= 0) {
            return DEFAULT_PATH.subList(i + 1, DEFAULT_PATH.size());
        }
        return switch (state) {
            case CREATED -> DEFAULT_PATH;
            case PAYMENT_STARTED, PARTIAL_PAYMENT_STARTED -> List.of(PAYMENT_RECEIVED, WAITING_FOR_DELIVERY, DONE);
            case WAITING_FOR_MANUAL_ACTION -> List.of(DONE);
            default -> null;
        };
    }

    static String paymentState(String orderState, String previous) {
        return switch (orderState) {
            case CREATED, WAITING_FOR_PAYMENT -> "WalletCreated";
            case PAYMENT_STARTED, PARTIAL_PAYMENT_STARTED -> "PaymentRequested";
            case PAYMENT_RECEIVED -> "PaymentReceived";
            case WAITING_FOR_DELIVERY, WAITING_FOR_MANUAL_ACTION, DONE, REFUNDED -> "PaymentCompleted";
            case EXPIRED -> "Expired";
            case PAYMENT_FAILED, PAYMENT_SETUP_FAILED -> "PaymentFailed";
            default -> previous;
        };
    }

    static String deliveryState(String orderState, String previous) {
        return switch (orderState) {
            case CREATED, WAITING_FOR_PAYMENT, PAYMENT_STARTED, PARTIAL_PAYMENT_STARTED, PAYMENT_RECEIVED -> "Pending";
            case WAITING_FOR_DELIVERY -> "Processing";
            case WAITING_FOR_MANUAL_ACTION -> "OnHold";
            case DONE -> "Delivered";
            case EXPIRED, PAYMENT_FAILED, PAYMENT_SETUP_FAILED, REFUNDED, CANCELED -> "Canceled";
            default -> previous;
        };
    }
}
