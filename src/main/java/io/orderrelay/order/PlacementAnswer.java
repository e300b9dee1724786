package io.orderrelay.order;

/**
 * What {@code POST /v1/orders} answers: a status and the JSON body, byte for byte, so that an
 * Idempotency-Key replay gives exactly the same answer.
 */
public record PlacementAnswer(int status, String body, boolean replayed, java.util.UUID orderId) {

    public boolean isProblem() {
        return status >= 400;
    }
}
