package io.orderrelay.tracking;

import static io.orderrelay.tracking.TrackingFixtures.FULL_PATH;
import static io.orderrelay.tracking.TrackingFixtures.WAIT;
import static io.orderrelay.tracking.TrackingFixtures.advanceAndAwait;
import static io.orderrelay.tracking.TrackingFixtures.assertTransitions;
import static io.orderrelay.tracking.TrackingFixtures.awaitState;
import static io.orderrelay.tracking.TrackingFixtures.driveToDone;
import static io.orderrelay.tracking.TrackingFixtures.place;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import io.orderrelay.order.Order;
import io.orderrelay.sandbox.SandboxControl;
import io.orderrelay.tracking.TrackingFixtures.Placed;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several trackers on one database, as several replicas: one follower per order, takeover, restart. */
@QuarkusTest
class TrackingOwnershipIT {

    @Inject
    SandboxControl sandbox;

    @Inject
    TrackingService tracking;

    @Inject
    Leases leases;

    @Inject
    EntityManager em;

    @Inject
    TrackingMetrics metrics;

    @Inject
    Replicas replicas;

    private final List<Tracker> extra = new ArrayList<>();

    /**
     * Other test classes share this database and leave open orders behind; they would fill the small
     * capacities these tests give their replicas. Retire them (test data only, outside the state machine).
     */
    @org.junit.jupiter.api.BeforeEach
    void onlyThisTestsOrdersAreOpen() {
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("update orders set state = 'Canceled' where state not in (:terminal)")
                    .setParameter("terminal", io.orderrelay.order.OrderState.TERMINAL)
                    .executeUpdate();
            em.createNativeQuery("delete from tracking_leases").executeUpdate();
        });
        tracking.restart();
    }

    @AfterEach
    void backToOneReplica() {
        extra.forEach(Tracker::stop);
        extra.clear();
        if (!tracking.tracker().running()) {
            tracking.restart();
        }
    }

    private Tracker replica(String name, int capacity) {
        Tracker t = replicas.replica(name, tracking.settings().withCapacity(capacity));
        extra.add(t);
        t.start();
        return t;
    }

    private Map<UUID, String> owners(List<Placed> orders) throws Exception {
        return leases.owners(orders.stream().map(Placed::id).toList());
    }

    private boolean eachFollowedOnce(List<Placed> orders) {
        return orders.stream().allMatch(o -> sandbox.subscriberCount(o.upstreamId()) == 1);
    }

    @Test
    void twoReplicasFollowEachOrderExactlyOnceAndTakeOverADeadOnesOrders() throws Exception {
        tracking.tracker().stop(); // graceful: this replica releases everything and follows nothing
        Tracker a = replica("a", 3);
        Tracker b = replica("b", 3);
        List<Placed> orders = IntStream.range(0, 6).mapToObj(i -> place()).toList();

        await().atMost(WAIT).until(() -> a.heldOrders().size() == 3 && b.heldOrders().size() == 3);
        await().atMost(WAIT).until(() -> eachFollowedOnce(orders));
        // and it stays so: renewals and claims never add a second follower
        await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> eachFollowedOnce(orders));
        Map<UUID, String> owners = owners(orders);
        assertEquals(3, owners.values().stream().filter(a.owner()::equals).count());
        assertEquals(3, owners.values().stream().filter(b.owner()::equals).count());

        List<Placed> ofA = orders.stream().filter(o -> a.heldOrders().contains(o.id())).toList();
        replicas.crash(a); // no release: its leases must expire first
        Placed moved = ofA.get(0);
        sandbox.advance(moved.upstreamId()); // while nobody follows it

        Tracker c = tracking.restart();
        await().atMost(WAIT).until(() -> c.heldOrders().containsAll(ofA.stream().map(Placed::id).toList()));
        awaitState(moved.id(), "PaymentReceived");
        await().atMost(WAIT).until(() -> eachFollowedOnce(orders));
        assertEquals(3, b.heldOrders().size());

        for (Placed o : orders) {
            driveToDone(sandbox, o);
        }
        for (Placed o : orders) {
            assertTransitions(o.id(), FULL_PATH);
        }
        await().atMost(WAIT).until(() -> orders.stream().allMatch(o -> sandbox.subscriberCount(o.upstreamId()) == 0));
        assertEquals(Map.of(), owners(orders), "terminal orders hold no lease");
    }

    @Test
    void gracefulStopHandsOrdersOverWithoutWaitingForTheLease() throws Exception {
        tracking.tracker().stop();
        // leases far longer than the wait below: only a release can explain the hand-over
        Tracker.Settings s = tracking.settings();
        Tracker.Settings longLeases = new Tracker.Settings(Duration.ofMinutes(5), s.renewInterval(), s.claimInterval(),
                s.claimBatch(), 10, s.pollInterval(), s.reconcileInterval(), s.backoffMin(), s.backoffMax());
        Tracker first = replicas.replica("first", longLeases);
        extra.add(first);
        first.start();
        Placed order = place();
        await().atMost(WAIT).until(() -> first.heldOrders().contains(order.id()));
        Tracker other = replica("other", 10);
        first.stop();
        await().atMost(WAIT).until(() -> other.heldOrders().contains(order.id()));
        await().atMost(WAIT).until(() -> sandbox.subscriberCount(order.upstreamId()) == 1);
        other.stop();
        tracking.restart();
        driveToDone(sandbox, order);
        assertTransitions(order.id(), FULL_PATH);
    }

    @Test
    void aKilledAndRestartedReplicaMissesNothingAndRecordsNothingTwice() {
        List<Placed> orders = IntStream.range(0, 3).mapToObj(i -> place()).toList();
        for (Placed o : orders) {
            advanceAndAwait(sandbox, o); // PaymentReceived, recorded live
        }
        replicas.crash(tracking.tracker());
        await().atMost(WAIT).until(() -> orders.stream().allMatch(o -> sandbox.subscriberCount(o.upstreamId()) == 0));
        for (Placed o : orders) {
            sandbox.advance(o.upstreamId()); // WaitingForDelivery while this replica is down
        }
        tracking.restart();
        for (Placed o : orders) {
            awaitState(o.id(), "WaitingForDelivery");
        }
        for (Placed o : orders) {
            driveToDone(sandbox, o);
            assertTransitions(o.id(), FULL_PATH);
        }
    }

    /**
     * A replica whose renewals come later than its leases last (a long pause, a slow database): lease 1 s, renewed
     * every 2.5 s, and full (no claim renews them by the way).
     */
    private Tracker lateRenewer(int capacity) {
        Tracker.Settings s = tracking.settings();
        Tracker late = replicas.replica("late", new Tracker.Settings(
                Duration.ofSeconds(1), Duration.ofMillis(2500), s.claimInterval(), s.claimBatch(), capacity,
                s.pollInterval(), s.reconcileInterval(), s.backoffMin(), s.backoffMax()));
        extra.add(late);
        late.start();
        return late;
    }

    @Test
    void aLeaseThatExpiredUnrenewedIsRenewedWhenNobodyElseTookIt() {
        tracking.tracker().stop();
        Tracker late = lateRenewer(3);
        List<Placed> orders = IntStream.range(0, 3).mapToObj(i -> place()).toList();
        await().atMost(WAIT).until(() -> late.heldOrders().size() == 3 && eachFollowedOnce(orders));
        double lost = metrics.leasesLost();
        // several renewals, each after the leases expired: every one of them keeps the orders
        await().during(Duration.ofMillis(6000)).atMost(Duration.ofSeconds(10))
                .until(() -> late.heldOrders().size() == 3 && metrics.leasesLost() == lost && eachFollowedOnce(orders));
        Placed one = orders.get(0);
        advanceAndAwait(sandbox, one); // still followed live
    }

    @Test
    void aLeaseAnotherReplicaTookIsLostAndItsSubscriberStops() {
        tracking.tracker().stop();
        Tracker late = lateRenewer(3);
        List<Placed> orders = IntStream.range(0, 3).mapToObj(i -> place()).toList();
        await().atMost(WAIT).until(() -> late.heldOrders().size() == 3 && eachFollowedOnce(orders));
        double lost = metrics.leasesLost();
        Tracker other = replica("other", 3); // claims each lease as soon as it expires
        await().atMost(WAIT).until(() -> other.heldOrders().size() == 3 && late.heldOrders().isEmpty());
        await().atMost(WAIT).until(() -> eachFollowedOnce(orders));
        assertEquals(lost + 3, metrics.leasesLost());
        await().during(Duration.ofMillis(3000)).atMost(Duration.ofSeconds(6))
                .until(() -> other.heldOrders().size() == 3 && late.heldOrders().isEmpty() && eachFollowedOnce(orders));
    }

    @Test
    void anOrderLeftSubmittingBecomesSubmissionUncertain() {
        UUID id = UUID.randomUUID();
        Instant old = Instant.now().minus(Duration.ofMinutes(10));
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    insert into orders (id, partner_id, state, sequence, country_code, request, coin, payment_via,
                                        deliveries, created_at, updated_at)
                    values (?1, 'acme', 'Submitting', 1, 'US', '{}'::jsonb, 'USDC', 'USER_WALLET', '[]'::jsonb, ?2, ?2)""")
                    .setParameter(1, id).setParameter(2, java.sql.Timestamp.from(old)).executeUpdate();
            em.createNativeQuery("""
                    insert into order_transitions (order_id, sequence, event_id, from_state, to_state, occurred_at, source)
                    values (?1, 1, ?2, null, 'Submitting', ?3, 'create')""")
                    .setParameter(1, id).setParameter(2, UUID.randomUUID()).setParameter(3, java.sql.Timestamp.from(old))
                    .executeUpdate();
        });
        awaitState(id, "SubmissionUncertain");
        assertTransitions(id, List.of("Submitting", "SubmissionUncertain"));
        assertEquals(List.of("create", "reconcile"), TrackingFixtures.transitions(id).getList("items.source"));
        String reason = QuarkusTransaction.requiringNew().call(() -> Order.<Order>findById(id).stateReason);
        org.junit.jupiter.api.Assertions.assertNotNull(reason);
    }
}
