package io.orderrelay.webhook;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/**
 * JDK Flight Recorder events of the dispatcher, so that a recording shows where a slot's cycle goes (claim, send,
 * recording) without a profiler that knows the code. They cost nothing unless a recording enables them, e.g.
 * {@code -XX:StartFlightRecording=settings=profile} and then {@code jfr print --events io.orderrelay.webhook.Slot}.
 */
final class DispatchEvents {

    private DispatchEvents() {
    }

    /** One claim statement (its own transaction). */
    @Name("io.orderrelay.webhook.Claim")
    @Label("Webhook claim")
    @Category({"order-relay", "webhook"})
    static final class Claim extends Event {
        @Label("Rows asked")
        int asked;
        @Label("Rows claimed")
        int claimed;
    }

    /** One recording transaction of finished attempts. */
    @Name("io.orderrelay.webhook.RecordBatch")
    @Label("Webhook recording batch")
    @Category({"order-relay", "webhook"})
    static final class RecordBatch extends Event {
        @Label("Attempts")
        int attempts;
        @Label("Batches in flight, this one included")
        int inFlight;
        @Label("Oldest attempt's wait before its batch started")
        @Timespan(Timespan.MILLISECONDS)
        long oldestWaitMs;
    }

    /** One slot's cycle, from the claim to the recording of its attempt (the slot is then free again). */
    @Name("io.orderrelay.webhook.Slot")
    @Label("Webhook slot cycle")
    @Category({"order-relay", "webhook"})
    static final class Slot extends Event {
        @Label("Claim to answer")
        @Timespan(Timespan.MILLISECONDS)
        long sendMs;
        @Label("Answer to recording start")
        @Timespan(Timespan.MILLISECONDS)
        long queuedMs;
        @Label("Recording")
        @Timespan(Timespan.MILLISECONDS)
        long recordMs;
    }
}
