package io.orderrelay.tracing;

import java.util.UUID;

import org.jboss.logging.MDC;

/**
 * {@code order_id} in the logging MDC (a field of every JSON log line) while work about one order runs: tracking's
 * stream and poll handlers, lease and observation outcomes, outbox parking, webhook attempts. Restores what was there
 * before, so nested or reused threads and Vert.x contexts keep the right value. REST requests about one order set it
 * for the rest of the request ({@link #forRequest}, {@link OrderRequestMdc}).
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

    /**
     * {@code order_id} for the rest of the current REST request, once its order is known. A request's MDC lives in its
     * Vert.x (duplicated) context, on the event loop and on the worker thread alike, and ends with the request, so
     * nothing is restored; outside a request, use {@link #of}.
     */
    public static void forRequest(UUID orderId) {
        if (orderId != null) {
            MDC.put(KEY, orderId.toString());
        }
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
