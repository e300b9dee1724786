package io.orderrelay.order;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Upstream sends no payment deadline. From its documentation: on-chain payments are usually given
 * 60-180 minutes and Lightning about 15; we announce the short end so callers never show a window
 * upstream will not honour.
 */
final class PaymentWindow {

    static final Duration ON_CHAIN = Duration.ofMinutes(60);
    static final Duration LIGHTNING = Duration.ofMinutes(15);

    private PaymentWindow() {
    }

    static Instant payBefore(Instant createdAt, String network) {
        boolean lightning = network != null && network.toLowerCase(Locale.ROOT).contains("lightning");
        return createdAt.plus(lightning ? LIGHTNING : ON_CHAIN);
    }
}
