package io.orderrelay.order;

import java.time.Instant;

import jakarta.persistence.Tuple;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One state change of an order, numbered from 1 without gap. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TransitionView(int sequence,
        @Schema(nullable = true, description = "null for the first transition") String fromState,
        String toState, Instant occurredAt, String source) {

    /**
     * A row of order_transitions read by a native query, by column name: sequence, from_state, to_state,
     * occurred_at (declared as Instant), source.
     */
    public static TransitionView of(Tuple row) {
        return new TransitionView(row.get("sequence", Integer.class), row.get("from_state", String.class),
                row.get("to_state", String.class), row.get("occurred_at", Instant.class),
                row.get("source", String.class));
    }
}
