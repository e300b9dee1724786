package io.orderrelay.order;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A row of order_transitions, written only by {@link TransitionWriter}. An entity (not a native insert) so that a
 * group of transitions is written as one JDBC batch at flush ({@code quarkus.hibernate-orm.jdbc.statement-batch-size}).
 * The identity Hibernate keys it by is the event id (unique, minted here); the table's primary key is
 * (order_id, sequence), which keeps the sequence gapless.
 */
@Entity
@Table(name = "order_transitions")
public class OrderTransition extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "order_id")
    public UUID orderId;

    public int sequence;

    @Column(name = "from_state")
    public String fromState;

    @Column(name = "to_state")
    public String toState;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    public String source;

    /** The W3C trace context of the work that caused the transition, or null. */
    public String traceparent;

    static OrderTransition of(UUID eventId, UUID orderId, TransitionView transition, String traceparent) {
        OrderTransition t = new OrderTransition();
        t.eventId = eventId;
        t.orderId = orderId;
        t.sequence = transition.sequence();
        t.fromState = transition.fromState();
        t.toState = transition.toState();
        t.occurredAt = transition.occurredAt();
        t.source = transition.source();
        t.traceparent = traceparent;
        return t;
    }
}
