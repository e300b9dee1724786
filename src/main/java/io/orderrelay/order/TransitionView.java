package io.orderrelay.order;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One state change of an order, numbered from 1 without gap. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record TransitionView(int sequence, String fromState, String toState, Instant occurredAt, String source) {
}
