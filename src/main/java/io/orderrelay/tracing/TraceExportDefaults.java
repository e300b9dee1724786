package io.orderrelay.tracing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Exporting traces is off unless an OTLP endpoint is configured ({@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code quarkus.otel.exporter.otlp.endpoint} or its {@code traces.} variant). Spans are still made, so that trace
 * context travels (a caller's traceparent comes back on the order's Kafka records and webhook deliveries): without
 * an endpoint the sampler is {@code always_off}, nothing is recorded and the exporter is never called (it would
 * otherwise try localhost:4317 and log each failure). Lowest precedence: an explicit
 * {@code quarkus.otel.traces.sampler} (properties, QUARKUS_OTEL_TRACES_SAMPLER) wins.
 */
public class TraceExportDefaults implements ConfigSourceFactory {

    static final String SAMPLER = "quarkus.otel.traces.sampler";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";
    /** The OpenTelemetry SDK's own variable (OTEL_EXPORTER_OTLP_ENDPOINT), honoured as the Quarkus endpoint. */
    static final String SDK_ENDPOINT = "otel.exporter.otlp.endpoint";
    static final List<String> ENDPOINTS = List.of(ENDPOINT, "quarkus.otel.exporter.otlp.traces.endpoint", SDK_ENDPOINT,
            "otel.exporter.otlp.traces.endpoint");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        Map<String, String> defaults = new HashMap<>();
        if (ENDPOINTS.stream().noneMatch(name -> configured(context, name))) {
            defaults.put(SAMPLER, "always_off");
        } else if (!configured(context, ENDPOINT) && configured(context, SDK_ENDPOINT)) {
            defaults.put(ENDPOINT, context.getValue(SDK_ENDPOINT).getValue());
        }
        if (defaults.isEmpty()) {
            return List.of();
        }
        return List.of(new MapBackedConfigSource("order-relay trace export defaults", defaults, 100) {
        });
    }

    private static boolean configured(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
