package io.orderrelay.outbox;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;

import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionRecorded;

/**
 * Writes the outbox row of each recorded transition in the transaction that recorded it (synchronous
 * observer), so the transition and its Kafka event commit or roll back together. Nothing here talks to
 * Kafka: transitions keep being recorded while the broker is away.
 */
@ApplicationScoped
public class OutboxWriter {

    private final OutboxStore store;
    private final EventEnvelopes envelopes;
    private final OutboxRelay relay;

    public OutboxWriter(OutboxStore store, EventEnvelopes envelopes, OutboxRelay relay) {
        this.store = store;
        this.envelopes = envelopes;
        this.relay = relay;
    }

    void on(@Observes TransitionRecorded event) {
        store.insert(event.eventId(), event.order().id(), event.transition().sequence(),
                OrderState.eventType(event.transition().toState()), envelopes.envelope(event),
                Instant.now().truncatedTo(ChronoUnit.MICROS), event.traceparent());
    }

    /** Publish without waiting for the next poll. */
    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) TransitionRecorded event) {
        relay.wake();
    }
}
