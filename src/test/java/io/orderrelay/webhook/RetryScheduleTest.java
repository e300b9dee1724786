package io.orderrelay.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    @Test
    void parsesTheDefaultSchedule() {
        RetrySchedule s = RetrySchedule.parse("5s,5m,30m,2h,5h,10h,10h");
        assertEquals(List.of(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
                Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10)), s.delays());
        assertEquals(8, s.maxAttempts());
    }

    @Test
    void delaysAreJitteredWithin20PercentAndEndWithTheSchedule() {
        RetrySchedule s = RetrySchedule.parse("10s, 1m");
        for (int i = 0; i < 100; i++) {
            long ms = s.after(1).orElseThrow().toMillis();
            assertTrue(ms >= 8_000 && ms <= 12_000, "jittered " + ms);
        }
        assertTrue(s.after(2).isPresent());
        assertTrue(s.after(3).isEmpty());
    }

    @Test
    void refusesAnUnreadableScheduleNamingTheVariable() {
        var e = assertThrows(IllegalStateException.class, () -> RetrySchedule.parse("5s,often"));
        assertTrue(e.getMessage().contains("RELAY_WEBHOOK_RETRY_SCHEDULE"));
    }
}
