package io.orderrelay.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** A replica follows no more orders than it has file descriptors for, after those kept for everything else. */
class OpenFilesCapacityTest {

    private static final Duration S = Duration.ofSeconds(1);

    private static Tracker.Settings capacity(int capacity) {
        return new Tracker.Settings(S, S, S, 500, capacity, S, S, S, S);
    }

    @Test
    void aCapacityThatFitsIsKept() {
        assertEquals(20_000, TrackingService.withinOpenFiles(capacity(20_000), 65_536, 2_000).capacity());
        assertEquals(18_000, TrackingService.withinOpenFiles(capacity(18_000), 20_000, 2_000).capacity());
    }

    @Test
    void aCapacityBeyondTheOpenFilesAllowedIsLowered() {
        assertEquals(18_000, TrackingService.withinOpenFiles(capacity(20_000), 20_000, 2_000).capacity());
        assertEquals(0, TrackingService.withinOpenFiles(capacity(10_000), 1_024, 2_000).capacity());
    }

    @Test
    void anUnknownLimitChangesNothing() {
        assertEquals(20_000, TrackingService.withinOpenFiles(capacity(20_000), -1, 2_000).capacity());
    }
}
