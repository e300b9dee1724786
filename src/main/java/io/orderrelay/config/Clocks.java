package io.orderrelay.config;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The one clock of the application, in UTC and ticking in whole microseconds: PostgreSQL's timestamptz keeps
 * microseconds, so a time taken from it reads back equal to what was written (an entity compared after a reload,
 * a cursor built from a stored time). Inject {@link Clock} and call {@code clock.instant()} instead of
 * {@code Instant.now()}.
 */
@Singleton
public class Clocks {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
    }
}
