package io.orderrelay.tracing;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Whether a span made here can ever be recorded. Not when OpenTelemetry or its traces are disabled, nor with the
 * sampler {@code always_off} (the default without an OTLP endpoint, {@link TraceExportDefaults}): a span would then
 * only cost time on a hot path (one per Kafka record), so such paths pass the stored traceparent on instead.
 * Any other sampler may record, depending on the parent or on chance: spans are made.
 */
@ApplicationScoped
public class TraceRecording {

    private final boolean mayRecord;

    public TraceRecording(@ConfigProperty(name = "quarkus.otel.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "quarkus.otel.traces.enabled", defaultValue = "true") boolean tracesEnabled,
            @ConfigProperty(name = TraceExportDefaults.SAMPLER) Optional<String> sampler) {
        this.mayRecord = enabled && tracesEnabled && !"always_off".equals(sampler.orElse("").trim());
    }

    public boolean mayRecord() {
        return mayRecord;
    }
}
