package io.pullsecretinjector.secrets.sync;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs this replica for a coordination.k8s.io Lease, again and again: {@code started} is told when
 * it takes the lease, {@code stopped} when it loses it (or leaves the election), and a new round
 * starts right away. Closing releases the lease, so another replica takes over at once.
 */
final class LeaderElection implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String lease;
    private final String identity;
    private final Duration leaseDuration;
    private final Runnable started;
    private final Runnable stopped;
    private final ScheduledExecutorService rounds = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "copy-sync-election");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    private CompletableFuture<?> round;

    LeaderElection(KubernetesClient client, String namespace, String lease, String identity, Duration leaseDuration,
                   Runnable started, Runnable stopped) {
        this.client = client;
        this.namespace = namespace;
        this.lease = lease;
        this.identity = identity;
        this.leaseDuration = leaseDuration;
        this.started = started;
        this.stopped = stopped;
    }

    /** Starts the first round. */
    void start() {
        LOG.infof("running for leadership of the sync loop: lease %s/%s, identity %s", namespace, lease, identity);
        rounds.execute(this::elect);
    }

    private void elect() {
        if (closed) {
            return;
        }
        Duration d = leaseDuration;
        var config = new LeaderElectionConfigBuilder()
                .withName("pullsecret-injector-sync")
                .withLock(new LeaseLock(namespace, lease, identity))
                .withLeaseDuration(d)
                .withRenewDeadline(d.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(d.dividedBy(5))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(started, stopped,
                        leader -> LOG.infof("sync loop leader is now %s", leader == null ? "(none)" : leader)))
                .build();
        CompletableFuture<?> r = client.leaderElector().withConfig(config).build().start();
        synchronized (this) {
            round = r;
        }
        r.whenComplete((ok, failure) -> {
            stopped.run();
            if (!closed) {
                LOG.infof("left the leader election of lease %s/%s; running again", namespace, lease);
                rounds.schedule(this::elect, d.dividedBy(5).toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> r;
        synchronized (this) {
            r = round;
        }
        if (r != null) {
            r.cancel(true); // releases the lease (releaseOnCancel)
        }
        rounds.shutdownNow();
    }
}
