/**
 * OpenTelemetry glue: the W3C trace context carried from the work that caused a transition (placement request or
 * upstream observation) to its Kafka record and its webhook deliveries. Spans for REST, upstream REST client calls,
 * JDBC and the Kafka publish come from Quarkus; the observation and webhook attempt spans are made where they happen.
 */
package io.orderrelay.tracing;
