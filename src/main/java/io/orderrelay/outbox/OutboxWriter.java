package io.orderrelay.outbox;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;

import io.orderrelay.order.OrderState;
import io.orderrelay.order.TransitionRecorded;
import io.orderrelay.order.TransitionsRecorded;

/**
 * Writes the outbox row of each recorded transition in the transaction that recorded it (synchronous
 * observer), so the transition and its Kafka event commit or roll back together. Nothing here talks to
 * Kafka: transitions keep being recorded while the broker is away. The rows of a group of transitions are
 * persisted together, so that they are written as one JDBC batch.
 */
@ApplicationScoped
public class OutboxWriter {

    private final EntityManager em;
    private final EventEnvelopes envelopes;
    private final OutboxRelay relay;

    public OutboxWriter(EntityManager em, EventEnvelopes envelopes, OutboxRelay relay) {
        this.em = em;
        this.envelopes = envelopes;
        this.relay = relay;
    }

    void on(@Observes TransitionsRecorded recorded) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (TransitionRecorded event : recorded.all()) {
            em.persist(OutboxEntry.of(event.eventId(), event.order().id(), event.transition().sequence(),
                    OrderState.eventType(event.transition().toState()), envelopes.envelope(event), now,
                    event.traceparent()));
        }
    }

    /** Publish without waiting for the next poll. */
    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) TransitionsRecorded recorded) {
        relay.wake();
    }
}
