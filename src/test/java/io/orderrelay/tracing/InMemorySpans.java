package io.orderrelay.tracing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

/**
 * Test builds export finished spans to memory as well (Quarkus' default "cdi" exporter takes every SpanExporter
 * bean). Only a profile that samples (TraceChainIT) records any: elsewhere no endpoint is set, so nothing is sampled.
 */
@ApplicationScoped
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
