package io.orderrelay.order;

/** Where an observed state came from; stored lower-case. */
public enum TransitionSource {
    CREATE, STREAM, POLL, RECONCILE, OPERATOR;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
