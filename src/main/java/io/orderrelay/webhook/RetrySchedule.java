package io.orderrelay.webhook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Delays between attempts, e.g. {@code 5s,5m,30m,2h,5h,10h,10h}: the first attempt plus one per entry. */
public record RetrySchedule(List<Duration> delays) {

    public static RetrySchedule parse(String text) {
        List<Duration> delays = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            try {
                long amount = Long.parseLong(p.substring(0, p.length() - 1));
                Duration d = switch (p.charAt(p.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    case 'd' -> Duration.ofDays(amount);
                    default -> throw new IllegalArgumentException();
                };
                if (amount < 0) {
                    throw new IllegalArgumentException();
                }
                delays.add(d);
            } catch (RuntimeException e) {
                throw new IllegalStateException("RELAY_WEBHOOK_RETRY_SCHEDULE: '" + part.trim()
                        + "' is not a delay such as 5s, 5m, 2h or 1d");
            }
        }
        return new RetrySchedule(List.copyOf(delays));
    }

    /**
     * The delay before the next attempt after {@code failedAttempts} failures, jittered by up to 20% either way so
     * that deliveries failing together do not come back together; empty when the schedule is exhausted.
     */
    public Optional<Duration> after(int failedAttempts) {
        if (failedAttempts < 1 || failedAttempts > delays.size()) {
            return Optional.empty();
        }
        long millis = delays.get(failedAttempts - 1).toMillis();
        double factor = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Optional.of(Duration.ofMillis(Math.round(millis * factor)));
    }

    public int maxAttempts() {
        return delays.size() + 1;
    }
}
