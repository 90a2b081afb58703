package io.pullsecretinjector.secrets;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.policy.RegistryCredential;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps every copy true after admission. Every replica watches the policy's source Secrets, each
 * by name (a field selector, never a list of Secrets), so its admission cache drops a rotated
 * source at once. Only the leader (a coordination.k8s.io Lease) runs the loop: a namespace watch
 * and one worker thread that runs the {@link CopySynchronizer} passes, on a source change, on a
 * new namespace (for eager credentials), on a policy change and every resync period. Losing the
 * lease stops the worker before its next call; a new election starts right away.
 */
public class SyncLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SyncLoop.class);
    private static final String FULL = "full";

    /**
     * @param namespace      the injector's namespace: home of the Lease, never served
     * @param resyncPeriod   how often a full pass runs with no event
     * @param qps            paced calls per second
     * @param burst          calls allowed at once after a quiet spell
     * @param leaderElection false: this replica leads unconditionally
     * @param lease          the Lease name
     * @param identity       this replica's name in the Lease
     * @param leaseDuration  how long a lease lasts without renewal
     */
    public record Settings(String namespace, Duration resyncPeriod, double qps, int burst, boolean leaderElection,
                           String lease, String identity, Duration leaseDuration) {
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final PolicyStore policies;
    private final Consumer<String> sourceChanged;
    private final CopySynchronizer synchronizer;
    private final Map<String, SharedIndexInformer<Secret>> sourceWatches = new HashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> watchFailures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService elections;
    private InjectionPolicy applied;
    private volatile boolean leading;
    private volatile boolean closed;
    private volatile Set<String> lastFullPassNamespaces;
    private ScheduledExecutorService worker;
    private SharedIndexInformer<Namespace> namespaceWatch;
    private CompletableFuture<?> election;

    /**
     * @param sourceChanged told the source ref when a source changes (admission drops its cached read)
     * @param copyChanged   told (namespace, name) after each write (admission forgets what it knew of the copy)
     */
    public SyncLoop(KubernetesClient client, Settings settings, SecretApi api, PolicyStore policies, Consumer<String> sourceChanged,
                    BiConsumer<String, String> copyChanged, MeterRegistry registry) {
        this.client = client;
        this.settings = settings;
        this.policies = policies;
        this.sourceChanged = sourceChanged;
        this.synchronizer = new CopySynchronizer(api, new Pacer(settings.qps(), settings.burst()), settings.namespace(),
                () -> leading, this::activeNamespaces, copyChanged, registry);
        this.elections = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "copy-sync-election"));
        Gauge.builder("pullsecret_injector_leader", this, l -> l.leading ? 1 : 0)
                .description("1 on the replica that runs the sync loop, 0 on the others").register(registry);
    }

    /** Starts watching the policy and the sources, and runs for leadership (or leads at once when election is off). */
    public void start() {
        policies.onApply(loaded -> policyApplied(loaded.policy()));
        PolicyStore.Loaded now = policies.current();
        if (now != null) {
            policyApplied(now.policy());
        }
        if (settings.leaderElection()) {
            LOG.infof("running for leadership of the sync loop: lease %s/%s, identity %s", settings.namespace(), settings.lease(), settings.identity());
            elections.execute(this::elect);
        } else {
            LOG.info("leader election is off: this replica runs the sync loop");
            startLeading();
        }
    }

    /** True while this replica runs the loop. */
    public boolean leading() {
        return leading;
    }

    /** The passes, for tests and metrics. */
    public CopySynchronizer synchronizer() {
        return synchronizer;
    }

    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> e;
        synchronized (this) {
            e = election;
        }
        if (e != null) {
            e.cancel(true); // releases the lease (releaseOnCancel), so another replica takes over at once
        }
        stopLeading();
        elections.shutdownNow();
        synchronized (this) {
            sourceWatches.values().forEach(SharedIndexInformer::close);
            sourceWatches.clear();
        }
    }

    private synchronized void policyApplied(InjectionPolicy next) {
        if (closed || next == applied) {
            return;
        }
        synchronizer.policyChanged(applied, next);
        applied = next;
        watchSources(next);
        enqueue(FULL, synchronizer::fullPass);
    }

    // ---- sources: every replica ----

    private synchronized void watchSources(InjectionPolicy policy) {
        Set<String> wanted = policy.registryCredentials().stream().map(RegistryCredential::source).collect(Collectors.toSet());
        sourceWatches.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (String ref : wanted) {
            SharedIndexInformer<Secret> w = sourceWatches.get(ref);
            if (w == null || (!w.isRunning() && w.stopped().toCompletableFuture().isDone())) {
                sourceWatches.put(ref, watchSource(ref));
            }
        }
    }

    private SharedIndexInformer<Secret> watchSource(String ref) {
        SecretKey source = SecretKey.parse(ref);
        SharedIndexInformer<Secret> w = client.secrets().inNamespace(source.namespace()).withName(source.name()).runnableInformer(0);
        w.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret s) {
                sourceEvent(ref, s);
            }

            @Override
            public void onUpdate(Secret old, Secret s) {
                sourceEvent(ref, s);
            }

            @Override
            public void onDelete(Secret s, boolean unknownFinalState) {
                sourceEvent(ref, null);
            }
        });
        w.start().whenComplete((ok, failure) -> {
            if (failure != null) {
                Duration retry = watchRetryDelay(ref);
                LOG.warnf("source=%s action=watch result=failed reason=%s; retried in %ss (the next resync also repairs its copies). "
                        + "Grant the injector list and watch on secrets in namespace %s (resourceNames: [%s] is enough)",
                        ref, failure.getMessage(), retry.toSeconds(), source.namespace(), source.name());
                elections.schedule(() -> rewatch(ref, w), retry.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                watchFailures.remove(ref);
                if (w.getStore().list().isEmpty()) {
                    sourceEvent(ref, null);
                }
            }
        });
        return w;
    }

    /**
     * A watch refused or broken when it started is tried again. Helm applies the policy ConfigMap
     * before the RBAC that grants a new source, so the first watch of a credential added by an
     * upgrade is often refused for a moment.
     */
    private synchronized void rewatch(String ref, SharedIndexInformer<Secret> failed) {
        if (!closed && sourceWatches.get(ref) == failed) {
            failed.close();
            sourceWatches.put(ref, watchSource(ref));
        }
    }

    /** 5 s after the first failure, doubling up to 5 minutes while it keeps failing. */
    private Duration watchRetryDelay(String ref) {
        int failures = watchFailures.merge(ref, 1, Integer::sum);
        return Duration.ofSeconds(Math.min(300, 5L << Math.min(failures - 1, 6)));
    }

    private void sourceEvent(String ref, Secret s) {
        SourceSecret source = s == null ? null : SourceSecrets.toSource(s);
        sourceChanged.accept(ref);
        if (synchronizer.sourceSeen(ref, source)) {
            if (source != null) {
                LOG.infof("source=%s action=source-changed reason=new content %s; updating its copies", ref, source.hash());
            }
            enqueue("source " + ref, () -> synchronizer.sourcePass(ref));
        }
    }

    // ---- leadership ----

    private void elect() {
        if (closed) {
            return;
        }
        Duration d = settings.leaseDuration();
        var config = new LeaderElectionConfigBuilder()
                .withName("pullsecret-injector-sync")
                .withLock(new LeaseLock(settings.namespace(), settings.lease(), settings.identity()))
                .withLeaseDuration(d)
                .withRenewDeadline(d.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(d.dividedBy(5))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::startLeading, this::stopLeading,
                        leader -> LOG.infof("sync loop leader is now %s", leader == null ? "(none)" : leader)))
                .build();
        CompletableFuture<?> e = client.leaderElector().withConfig(config).build().start();
        synchronized (this) {
            election = e;
        }
        e.whenComplete((ok, failure) -> {
            stopLeading();
            if (!closed) {
                LOG.infof("left the leader election of lease %s/%s; running again", settings.namespace(), settings.lease());
                elections.schedule(this::elect, d.dividedBy(5).toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private void startLeading() {
        synchronized (this) {
            if (leading || closed) {
                return;
            }
            leading = true;
            pending.clear();
            worker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "copy-sync"));
            LOG.infof("this replica (%s) leads: starting the sync loop, full resync every %s, %s calls/s (burst %d)",
                    settings.identity(), settings.resyncPeriod(), settings.qps(), settings.burst());
            worker.execute(this::watchNamespaces);
            worker.scheduleWithFixedDelay(() -> enqueue(FULL, synchronizer::fullPass), settings.resyncPeriod().toMillis(),
                    settings.resyncPeriod().toMillis(), TimeUnit.MILLISECONDS);
        }
        enqueue(FULL, synchronizer::fullPass);
    }

    private void stopLeading() {
        ScheduledExecutorService w;
        SharedIndexInformer<Namespace> ns;
        synchronized (this) {
            if (!leading) {
                return;
            }
            leading = false;
            w = worker;
            ns = namespaceWatch;
            worker = null;
            namespaceWatch = null;
            lastFullPassNamespaces = null;
            pending.clear();
        }
        LOG.infof("this replica (%s) no longer leads: sync loop stopped", settings.identity());
        w.shutdownNow();
        if (ns != null) {
            ns.close();
        }
    }

    // ---- namespaces: the leader only ----

    private void watchNamespaces() {
        SharedIndexInformer<Namespace> w = client.namespaces().runnableInformer(0);
        w.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                String name = ns.getMetadata().getName();
                Set<String> seen = lastFullPassNamespaces;
                // namespaces of the first list are covered by the full pass; only really new ones need a pass
                if (seen != null && !seen.contains(name) && anyEager()) {
                    enqueue("namespace " + name, () -> synchronizer.namespacePass(name));
                }
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
            }

            @Override
            public void onDelete(Namespace ns, boolean unknownFinalState) {
                synchronizer.namespaceDeleted(ns.getMetadata().getName());
            }
        });
        synchronized (this) {
            if (!leading) {
                return;
            }
            namespaceWatch = w;
        }
        try {
            w.start().toCompletableFuture().get(settings.resyncPeriod().toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("action=watch-namespaces result=failed reason=%s; grant the injector list and watch on namespaces. "
                    + "Retried at the next resync", e.getMessage());
            w.close();
            synchronized (this) {
                if (namespaceWatch == w) {
                    namespaceWatch = null;
                }
            }
        }
    }

    private Collection<String> activeNamespaces() {
        SharedIndexInformer<Namespace> w = namespaceWatch;
        if (w == null || !w.hasSynced()) {
            if (leading && worker != null && (w == null || !w.isRunning())) {
                watchNamespaces(); // runs on the worker: the watch failed before, try again
                w = namespaceWatch;
            }
            if (w == null || !w.hasSynced()) {
                throw new IllegalStateException("the namespace list is not available yet");
            }
        }
        List<String> names = w.getStore().list().stream()
                .filter(n -> n.getMetadata().getDeletionTimestamp() == null
                        && (n.getStatus() == null || !"Terminating".equals(n.getStatus().getPhase())))
                .map(n -> n.getMetadata().getName())
                .toList();
        lastFullPassNamespaces = Set.copyOf(names);
        return names;
    }

    private boolean anyEager() {
        InjectionPolicy p = applied;
        return p != null && p.registryCredentials().stream().anyMatch(RegistryCredential::eager);
    }

    // ---- the worker ----

    private void enqueue(String key, Runnable pass) {
        ScheduledExecutorService w;
        synchronized (this) {
            w = worker;
            if (!leading || w == null) {
                return;
            }
            if (!key.equals(FULL) && pending.contains(FULL)) {
                return; // the full pass not yet started covers it
            }
            if (!pending.add(key)) {
                return;
            }
        }
        try {
            w.execute(() -> {
                pending.remove(key);
                try {
                    pass.run();
                } catch (CopySynchronizer.Stopped e) {
                    LOG.debugf("pass %s stopped: no longer leading", key);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "action=sync-pass kind=%s result=failed; the next event or resync tries again", key);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.remove(key); // stopped meanwhile
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
