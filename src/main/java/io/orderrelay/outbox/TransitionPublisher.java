package io.orderrelay.outbox;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.orderrelay.config.RelayConfig;
import io.orderrelay.tracing.TraceRecording;
import io.orderrelay.tracing.Traceparents;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Sends outbox rows to Kafka through the Reactive Messaging channel {@value #CHANNEL} (configured under
 * {@code mp.messaging.outgoing.order-transitions.*}: topic, serializers, idempotent producer, acks=all), one message
 * per row: key = order id, value = the stored envelope bytes, CloudEvents headers, and {@code traceparent}: the
 * Kafka publish span, child of the trace that caused the transition (the row's traceparent). When no span can be
 * recorded (sampler {@code always_off}: no OTLP endpoint, {@link TraceRecording}) no publish span is made and the header
 * is the row's traceparent itself: same trace id, and no per-record span cost. The returned future completes
 * when the broker acknowledged that very record (the message's ack) and fails with Kafka's error when it did not
 * (its nack), so the relay marks exactly the acknowledged rows.
 *
 * <p>The emitter's buffer is unbounded because the relay bounds what is in flight itself: one batch at a time
 * ({@code relay.outbox.batch-size}), waiting for every acknowledgement before the next claim.
 */
@ApplicationScoped
public class TransitionPublisher {

    public static final String CHANNEL = "order-transitions";
    public static final String HEADER_ID = "ce_id";
    public static final String HEADER_TYPE = "ce_type";
    /** CloudEvents Kafka binding: marks the value as a structured-mode event. */
    public static final String HEADER_CONTENT_TYPE = "content-type";
    public static final String STRUCTURED_CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Emitter<byte[]> emitter;
    private final Tracer tracer;
    private final String topic;
    private final boolean spans;

    public TransitionPublisher(
            @Channel(CHANNEL) @OnOverflow(OnOverflow.Strategy.UNBOUNDED_BUFFER) Emitter<byte[]> emitter, Tracer tracer,
            RelayConfig relay, TraceRecording recording) {
        this.emitter = emitter;
        this.tracer = tracer;
        this.topic = relay.kafka().topic();
        this.spans = recording.mayRecord();
    }

    /** Completes on the broker's acknowledgement of this row's record, fails with the reason it was not. */
    public CompletableFuture<Void> send(OutboxRow row) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        String traceparent = row.traceparent();
        if (spans) {
            Span span = publishSpan(row);
            traceparent = Objects.requireNonNullElse(Traceparents.of(span.getSpanContext()), traceparent);
            acknowledged.whenComplete((ok, error) -> {
                if (error != null) {
                    span.setStatus(StatusCode.ERROR, error.toString());
                }
                span.end();
            });
        }
        OutgoingKafkaRecordMetadata<String> kafka = OutgoingKafkaRecordMetadata.<String> builder()
                .withKey(row.orderId().toString())
                .withHeaders(headers(row, traceparent))
                .build();
        // TracingMetadata.empty(): the record's trace context is the traceparent header above; without it Quarkus'
        // outgoing decorator would copy the message to add the current context, which nothing reads
        Message<byte[]> message = Message.of(row.payload(), Metadata.of(kafka, TracingMetadata.empty()),
                () -> {
                    acknowledged.complete(null);
                    return DONE;
                },
                error -> {
                    acknowledged.completeExceptionally(error);
                    return DONE;
                });
        try {
            emitter.send(message);
        } catch (RuntimeException e) {
            // the channel is not (or no longer) connected to its sink
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    /**
     * The Kafka publish span: a child of the transition's cause lasting until the broker's answer; its context is the
     * record's traceparent header (the channel's own tracing is off: it would not take the stored parent).
     */
    private Span publishSpan(OutboxRow row) {
        return tracer.spanBuilder(topic + " publish").setSpanKind(SpanKind.PRODUCER)
                .setParent(Traceparents.context(row.traceparent()))
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.destination.name", topic)
                .setAttribute("messaging.message.id", row.eventId().toString())
                .setAttribute("order.id", row.orderId().toString())
                .startSpan();
    }

    static Headers headers(OutboxRow row, String traceparent) {
        Headers headers = new RecordHeaders();
        if (traceparent != null) {
            headers.add(Traceparents.HEADER, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        headers.add(HEADER_ID, row.eventId().toString().getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_TYPE, row.type().getBytes(StandardCharsets.UTF_8));
        headers.add(HEADER_CONTENT_TYPE, STRUCTURED_CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
