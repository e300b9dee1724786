package io.orderrelay.tracking;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderrelay.upstream.UpstreamClient;
import io.orderrelay.upstream.UpstreamStreams;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;

/**
 * Further replicas in this JVM, for tests: each {@link Tracker} made here has its own owner id and runs on the
 * application's beans (leases, upstream, streams), with an observation pipeline and a lease thread of the test's own,
 * as a replica in another process would. {@link #crash} makes one look, to the others, as if its process died.
 */
@ApplicationScoped
public class Replicas {

    private final Tracker.Dependencies deps;
    private final ObservationPipeline pipeline;
    private final ScheduledExecutorService leaseThread;
    private final EntityManager em;

    public Replicas(TrackingConfig config, Leases leases, ObservationApplier applier, UpstreamClient upstream,
            UpstreamStreams streams, Vertx vertx, TrackingMetrics metrics, ObjectMapper json, ObservationTraces traces,
            EntityManager em) {
        this.pipeline = new ObservationPipeline(applier, metrics, config.observationQueue(), config.observationBatch(),
                config.workerThreads());
        this.leaseThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-replica-leases");
            t.setDaemon(true);
            return t;
        });
        this.deps = new Tracker.Dependencies(leases, upstream, streams, vertx, pipeline, leaseThread, metrics, json,
                traces);
        this.em = em;
        pipeline.start();
    }

    /** A further replica, not started. */
    public Tracker replica(String name, Tracker.Settings settings) {
        return new Tracker(name + "-" + UUID.randomUUID().toString().substring(0, 6), settings, deps);
    }

    /**
     * What a crash looks like to the other replicas: its streams end, its leases stay, neither renewed nor released,
     * until they expire. The tracker is stopped and the leases it held are written back as they were, before any other
     * replica is told (callers make sure no running replica has room to claim them in between).
     */
    public void crash(Tracker tracker) {
        List<Object[]> held = QuarkusTransaction.requiringNew().call(() -> leases(tracker.owner()));
        tracker.stop();
        QuarkusTransaction.requiringNew().run(() -> {
            for (Object[] lease : held) {
                em.createNativeQuery("""
                        insert into tracking_leases (order_id, owner, expires_at) values (?1, ?2, ?3)
                        on conflict (order_id) do nothing""")
                        .setParameter(1, lease[0]).setParameter(2, tracker.owner())
                        .setParameter(3, lease[1]).executeUpdate();
            }
        });
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> leases(String owner) {
        return new ArrayList<>(em.createNativeQuery(
                "select order_id, expires_at from tracking_leases where owner = ?1")
                .setParameter(1, owner).getResultList());
    }

    void onStop(@jakarta.enterprise.event.Observes(notifyObserver = jakarta.enterprise.event.Reception.IF_EXISTS) ShutdownEvent event) {
        pipeline.stop();
        leaseThread.shutdownNow();
    }
}
