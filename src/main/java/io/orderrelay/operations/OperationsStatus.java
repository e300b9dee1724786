package io.orderrelay.operations;

import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code GET /v1/admin/status}: what an operator needs at a glance (docs/operations.md). Figures that must agree on
 * every replica (open orders, lease owners, the outbox) come from the database; the rest is this replica's own.
 */
@Schema(name = "OperationsStatus", description = "Tracking, outbox and upstream figures, read when asked")
public record OperationsStatus(
        @Schema(description = "When the figures were read") Instant at,
        Tracking tracking, Outbox outbox, Upstream upstream) {

    @Schema(name = "OperationsTracking")
    public record Tracking(
            @Schema(description = "Orders with an upstream order that have not ended (database: every replica)")
            long openOrders,
            @Schema(description = "Open orders no replica holds a live lease on (database)")
            long unfollowedOrders,
            @Schema(description = "Replicas holding live leases, with how many orders each follows (database)")
            List<LeaseOwner> leaseOwners,
            @Schema(description = "The replica that answered") Replica replica) {
    }

    @Schema(name = "OperationsLeaseOwner")
    public record LeaseOwner(
            @Schema(description = "The replica's tracker id (host name and a random suffix)") String owner,
            long orders,
            @Schema(description = "Whether it is the replica that answered") boolean thisReplica) {
    }

    @Schema(name = "OperationsReplica")
    public record Replica(
            @Schema(description = "Its tracker id; absent when tracking is disabled here") String owner,
            boolean trackingEnabled,
            @Schema(description = "Open orders it follows") int followedOrders,
            @Schema(description = "Upstream streams open now") int liveStreams,
            @Schema(description = "Followed orders polled because their stream is unavailable") int pollingOrders,
            @Schema(description = "Streams paused until the database catches up") int pausedStreams,
            @Schema(description = "Streams reopened since this replica started") long reconnects) {
    }

    @Schema(name = "OperationsOutbox")
    public record Outbox(
            @Schema(description = "Events waiting for Kafka that the relay can publish (database)") long backlog,
            @Schema(description = "Age of the oldest of them in milliseconds, 0 when none") long oldestPendingAgeMs,
            @Schema(description = "Events Kafka refused for good (GET /v1/admin/outbox/parked)") long parked,
            @Schema(description = "Events waiting behind a parked event of their order") long held) {
    }

    @Schema(name = "OperationsUpstream")
    public record Upstream(
            @Schema(description = "This replica's circuit breakers of the upstream client, one per operation")
            List<Circuit> circuits,
            Catalogue catalogue) {
    }

    @Schema(name = "OperationsCircuit")
    public record Circuit(String name,
            @Schema(enumeration = { "closed", "open", "half_open" }) String state) {
    }

    @Schema(name = "OperationsCatalogue", description = "This replica's catalogue cache")
    public record Catalogue(
            @Schema(description = "Cached answers") long entries,
            @Schema(description = "The last answer upstream gave; absent before the first") Instant lastRefreshAt,
            @Schema(description = "The last time a stale answer stood in for a failing upstream") Instant lastStaleAt,
            @Schema(description = "Upstream failed since its last good answer: the catalogue is served stale")
            boolean stale) {
    }
}
