package io.orderrelay.outbox;

import java.time.Clock;
import java.time.Instant;

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
    private final Clock clock;

    public OutboxWriter(EntityManager em, EventEnvelopes envelopes, OutboxRelay relay, Clock clock) {
        this.em = em;
        this.envelopes = envelopes;
        this.relay = relay;
        this.clock = clock;
    }

    void on(@Observes TransitionsRecorded recorded) {
        Instant now = clock.instant();
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
