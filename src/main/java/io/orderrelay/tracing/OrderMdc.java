package io.orderrelay.tracing;

import java.util.UUID;

import org.jboss.logging.MDC;

/**
 * {@code order_id} in the logging MDC (a field of every JSON log line) while work about one order runs: tracking's
 * stream and poll handlers, lease and observation outcomes, outbox parking, webhook attempts. Restores what was there
 * before, so nested or reused threads and Vert.x contexts keep the right value.
 */
public final class OrderMdc implements AutoCloseable {

    public static final String KEY = "order_id";

    private final Object previous;

    private OrderMdc(Object previous) {
        this.previous = previous;
    }

    /** {@code try (OrderMdc mdc = OrderMdc.of(orderId)) { ... }}; a null order leaves the MDC as it is. */
    public static OrderMdc of(UUID orderId) {
        Object previous = MDC.get(KEY);
        if (orderId != null) {
            MDC.put(KEY, orderId.toString());
        }
        return new OrderMdc(previous);
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, previous);
        }
    }
}
