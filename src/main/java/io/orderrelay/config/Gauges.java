package io.orderrelay.config;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Gauges observe an object of one application instance. A JVM that starts the application again (tests,
 * dev-mode reload) keeps the registry, and a gauge left there would make the new registration a no-op
 * pointing at the old, collected instance: remove it first.
 */
public final class Gauges {

    private Gauges() {
    }

    public static void forgetPrevious(MeterRegistry registry, String... names) {
        for (String name : names) {
            registry.find(name).meters().forEach(registry::remove);
        }
    }
}
