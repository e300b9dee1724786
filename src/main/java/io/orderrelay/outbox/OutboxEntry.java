package io.orderrelay.outbox;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A new outbox row, as {@link OutboxWriter} writes it: an entity so that a group of transitions' rows is one JDBC
 * batch at flush. Insert-only: the relay reads and updates the table in SQL ({@link OutboxStore}). Keyed by its event
 * id (unique, minted by the transition writer), because the table's own id is an identity the database assigns, and
 * an identity key would make Hibernate insert row by row to read it back.
 */
@Entity
@Table(name = "outbox")
public class OutboxEntry extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public UUID eventId;

    @Column(name = "order_id")
    public UUID orderId;

    public int sequence;

    public String type;

    /** The CloudEvents envelope: exactly these bytes are published. */
    public byte[] payload;

    @Column(name = "created_at")
    public Instant createdAt;

    /** The W3C trace context of the work that caused the event (the Kafka record's traceparent header), or null. */
    public String traceparent;

    static OutboxEntry of(UUID eventId, UUID orderId, int sequence, String type, byte[] payload, Instant createdAt,
            String traceparent) {
        OutboxEntry e = new OutboxEntry();
        e.eventId = eventId;
        e.orderId = orderId;
        e.sequence = sequence;
        e.type = type;
        e.payload = payload;
        e.createdAt = createdAt;
        e.traceparent = traceparent;
        return e;
    }
}
