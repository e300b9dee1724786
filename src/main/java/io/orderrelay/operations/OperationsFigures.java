package io.orderrelay.operations;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Tuple;
import jakarta.transaction.Transactional;

import io.orderrelay.catalog.StaleWhileFailingCache;
import io.orderrelay.order.OrderState;
import io.orderrelay.outbox.OutboxStore;
import io.orderrelay.tracking.Tracker;
import io.orderrelay.tracking.TrackingMetrics;
import io.orderrelay.tracking.TrackingService;
import io.orderrelay.upstream.UpstreamClient;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import org.hibernate.Session;

/**
 * Reads the figures of {@link OperationsStatus}: the shared ones from the database (so every replica answers the
 * same), the replica's own from its beans. A few counts over partial indexes and the metrics' own sources: cheap
 * enough to read on every call, so nothing is cached.
 */
@ApplicationScoped
public class OperationsFigures {

    /**
     * The states of orders nobody follows, written into the statement: PostgreSQL then proves that the query implies
     * the predicate of the partial index orders_trackable (V2), as in tracking.Leases. Our constants, never input.
     */
    private static final String UNTRACKABLE = OrderState.UNTRACKABLE.stream().sorted()
            .map(s -> "'" + s + "'").collect(Collectors.joining(", "));
    private static final String OPEN = "o.upstream_order_id is not null and o.state not in (" + UNTRACKABLE + ")";

    private final EntityManager em;
    private final OutboxStore outbox;
    private final TrackingService tracking;
    private final TrackingMetrics trackingMetrics;
    private final CircuitBreakerMaintenance circuits;
    private final StaleWhileFailingCache catalogue;
    private final Clock clock;

    public OperationsFigures(EntityManager em, OutboxStore outbox, TrackingService tracking,
            TrackingMetrics trackingMetrics, CircuitBreakerMaintenance circuits, StaleWhileFailingCache catalogue,
            Clock clock) {
        this.em = em;
        this.outbox = outbox;
        this.tracking = tracking;
        this.trackingMetrics = trackingMetrics;
        this.circuits = circuits;
        this.catalogue = catalogue;
        this.clock = clock;
    }

    @Transactional
    public OperationsStatus read() {
        return new OperationsStatus(clock.instant(), tracking(), outbox(), upstream());
    }

    private OperationsStatus.Tracking tracking() {
        Tracker tracker = tracking.tracker();
        String self = tracker == null ? null : tracker.owner();
        Tuple counts = session().createNativeQuery("""
                select (select count(*) from orders o where %1$s) as open_orders,
                       (select count(*) from orders o where %1$s and not exists (
                            select 1 from tracking_leases l where l.order_id = o.id and l.expires_at >= now()))
                         as unfollowed""".formatted(OPEN), Tuple.class)
                .addScalar("open_orders", Long.class).addScalar("unfollowed", Long.class)
                .getSingleResult();
        List<OperationsStatus.LeaseOwner> owners = session().createNativeQuery("""
                select owner, count(*) as orders from tracking_leases where expires_at >= now()
                group by owner order by owner""", Tuple.class)
                .addScalar("owner", String.class).addScalar("orders", Long.class)
                .getResultList().stream()
                .map(t -> new OperationsStatus.LeaseOwner(t.get("owner", String.class), t.get("orders", Long.class),
                        t.get("owner", String.class).equals(self)))
                .toList();
        OperationsStatus.Replica replica = new OperationsStatus.Replica(self, tracking.enabled(),
                trackingMetrics.followedOrders(), trackingMetrics.liveStreams(), trackingMetrics.pollingOrders(),
                (int) trackingMetrics.pausedStreams(), (long) trackingMetrics.reconnects());
        return new OperationsStatus.Tracking(counts.get("open_orders", Long.class), counts.get("unfollowed", Long.class),
                owners, replica);
    }

    private OperationsStatus.Outbox outbox() {
        OutboxStore.Backlog backlog = outbox.backlog();
        return new OperationsStatus.Outbox(backlog.rows(), backlog.oldestAge().toMillis(), backlog.parked(),
                backlog.held());
    }

    private OperationsStatus.Upstream upstream() {
        List<OperationsStatus.Circuit> states = UpstreamClient.CIRCUIT_BREAKERS.stream()
                .map(name -> new OperationsStatus.Circuit(name,
                        circuits.currentState(name).name().toLowerCase(Locale.ROOT)))
                .toList();
        StaleWhileFailingCache.Freshness f = catalogue.freshness();
        return new OperationsStatus.Upstream(states,
                new OperationsStatus.Catalogue(f.entries(), f.lastRefreshAt(), f.lastStaleAt(), f.stale()));
    }

    private Session session() {
        return em.unwrap(Session.class);
    }
}
