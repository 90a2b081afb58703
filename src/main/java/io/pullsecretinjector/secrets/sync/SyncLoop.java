package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.pullsecretinjector.secrets.known.KnownSources;
import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.watch.NamespaceWatch;
import io.pullsecretinjector.secrets.watch.SourceWatches;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.NamespaceScope;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.policy.RegistryCredential;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps every copy true after admission, from four parts: {@link SourceWatches} (every replica,
 * so its admission cache drops a rotated source at once), {@link LeaderElection} (only the holder
 * of the Lease runs the rest), {@link NamespaceWatch} (the replica's one namespace watch: new
 * namespaces for eager credentials, relabelled ones for credentials with a namespaceSelector) and
 * the {@link SyncQueue} that runs the {@link CopySynchronizer} passes: on a source change (the
 * watches report it to {@link KnownSources}, which tells the loop), on a new
 * or relabelled namespace, on a policy change and every resync period. Losing the lease stops the
 * queue before its next call; the namespace watch goes on when admission shares it.
 */
public class SyncLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SyncLoop.class);

    /**
     * @param namespace      the injector's namespace: home of the Lease, never served
     * @param resyncPeriod   how often a full pass runs with no event
     * @param qps            paced calls per second
     * @param burst          calls allowed at once after a quiet spell
     * @param leaderElection false: this replica leads unconditionally
     * @param lease          the Lease name
     * @param identity       this replica's name in the Lease
     * @param leaseDuration  how long a lease lasts without renewal
     * @param verifyPeriod   how often a full pass reads every copy instead of trusting what the loop knows
     */
    public record Settings(String namespace, Duration resyncPeriod, double qps, int burst, boolean leaderElection,
                           String lease, String identity, Duration leaseDuration, Duration verifyPeriod) {
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final PolicyStore policies;
    private final KnownSources knownSources;
    private final CopySynchronizer synchronizer;
    private final SourceWatches sources;
    private final SyncQueue queue = new SyncQueue();
    private final LeaderElection election;
    private InjectionPolicy applied;
    private volatile boolean leading;
    private volatile boolean closed;
    private final NamespaceWatch namespaces;

    /**
     * @param copies     what is known of each copy, shared with admission
     * @param sources    what is known of each source, shared with admission; the loop's source watches keep it current
     * @param namespaces the replica's namespace watch, shared with admission (its owner closes it)
     * @param events     where the loop's writes and missing sources are reported
     */
    public SyncLoop(KubernetesClient client, Settings settings, SecretApi api, KnownCopies copies, KnownSources sources, PolicyStore policies,
                    MeterRegistry registry, NamespaceWatch namespaces, CopyEvents events) {
        this.client = client;
        this.settings = settings;
        this.policies = policies;
        this.knownSources = sources;
        this.namespaces = namespaces;
        this.namespaces.listen(new NamespaceWatch.Listener() {
            @Override
            public void created(String namespace) {
                namespaceCreated(namespace);
            }

            @Override
            public void deleted(String namespace) {
                synchronizer.namespaceDeleted(namespace);
            }

            @Override
            public void relabelled(String namespace, Map<String, String> before, Map<String, String> after) {
                namespaceRelabelled(namespace, before, after);
            }
        });
        this.synchronizer = new CopySynchronizer(api, copies, sources, new Pacer(settings.qps(), settings.burst(), System::nanoTime), settings.namespace(),
                () -> leading, this::activeNamespaces, registry, settings.verifyPeriod(), this.namespaces, events);
        this.sources = new SourceWatches(client, this::sourceEvent);
        this.election = settings.leaderElection()
                ? new LeaderElection(client, settings.namespace(), settings.lease(), settings.identity(), settings.leaseDuration(),
                        this::startLeading, this::stopLeading)
                : null;
        Gauge.builder("pullsecret_injector_leader", this, l -> l.leading ? 1 : 0)
                .description("1 on the replica that runs the sync loop, 0 on the others").register(registry);
        Gauge.builder("pullsecret_injector_sync_queue_backlog", queue, SyncQueue::backlog)
                .description("Sync passes queued or running (0: the loop has caught up with every event)").register(registry);
    }

    /** Starts watching the policy and the sources, and runs for leadership (or leads at once when election is off). */
    public void start() {
        knownSources.tell(this::sourceChanged);
        policies.onApply(loaded -> policyApplied(loaded.policy()));
        PolicyStore.Loaded now = policies.current();
        if (now != null) {
            policyApplied(now.policy());
        }
        if (election != null) {
            election.start();
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
        if (election != null) {
            election.close(); // releases the lease, so another replica takes over at once
        }
        stopLeading();
        sources.close();
        knownSources.tell(KnownSources.Changes.NONE);
    }

    private synchronized void policyApplied(InjectionPolicy next) {
        if (closed || next == applied) {
            return;
        }
        synchronizer.policyChanged(applied, next);
        applied = next;
        sources.watch(next.registryCredentials().stream().map(RegistryCredential::source).collect(Collectors.toSet()));
        queue.enqueue(SyncQueue.FULL, synchronizer::fullPass);
    }

    private void sourceEvent(String ref, Secret s) {
        knownSources.watched(SecretKey.parse(ref), s == null ? null : SourceSecret.from(s));
    }

    /** The source watch reported a change: its copies follow. */
    private void sourceChanged(SecretKey ref, KnownSources.KnownSource before, KnownSources.KnownSource now) {
        synchronizer.sourceChanged(ref, before, now);
        if (!now.missing()) {
            LOG.infof("source=%s action=source-changed reason=new content %s; updating its copies", ref, now.secret().hash());
        }
        String sourceRef = ref.toString();
        queue.enqueue("source " + sourceRef, () -> synchronizer.sourcePass(sourceRef));
    }

    private void startLeading() {
        synchronized (this) {
            if (leading || closed) {
                return;
            }
            leading = true;
            synchronizer.forgetAll(); // another replica may have led meanwhile
            queue.start(settings.resyncPeriod(), synchronizer::fullPass);
            LOG.infof("this replica (%s) leads: starting the sync loop, full resync every %s (reading every copy every %s), %s calls/s (burst %d)",
                    settings.identity(), settings.resyncPeriod(), settings.verifyPeriod(), settings.qps(), settings.burst());
            queue.execute(namespaces::start);
        }
        queue.enqueue(SyncQueue.FULL, synchronizer::fullPass);
    }

    private void stopLeading() {
        synchronized (this) {
            if (!leading) {
                return;
            }
            leading = false;
        }
        LOG.infof("this replica (%s) no longer leads: sync loop stopped", settings.identity());
        queue.stop();
    }

    private void namespaceCreated(String namespace) {
        InjectionPolicy p;
        synchronized (this) {
            p = applied;
        }
        if (p != null && p.registryCredentials().stream().anyMatch(RegistryCredential::eager)) {
            queue.enqueueNamespace("namespace " + namespace, () -> synchronizer.namespacePass(namespace));
        }
    }

    /**
     * A namespace's labels changed: when that starts or stops a credential with eager or prune
     * serving it, its copies are checked by a namespace pass now (the resync catches a change
     * missed while no replica led). Only on the leader: a follower's queue is stopped.
     */
    private void namespaceRelabelled(String namespace, Map<String, String> before, Map<String, String> after) {
        InjectionPolicy p;
        synchronized (this) {
            p = applied;
        }
        if (p == null || !leading) {
            return;
        }
        NamespaceFacts was = NamespaceFacts.of(namespace, before);
        NamespaceFacts now = NamespaceFacts.of(namespace, after);
        for (RegistryCredential c : p.registryCredentials()) {
            if ((c.eager() || c.prune()) && NamespaceScope.serves(p, c, was, settings.namespace()) != NamespaceScope.serves(p, c, now,
                    settings.namespace())) {
                LOG.infof("namespace=%s action=relabelled reason=%s now %s it; checking its copies", namespace, c.path(),
                        NamespaceScope.serves(p, c, now, settings.namespace()) ? "serves" : "no longer serves");
                queue.enqueueNamespace("namespace " + namespace, () -> synchronizer.namespacePass(namespace));
                return;
            }
        }
    }

    private java.util.Collection<String> activeNamespaces() {
        if (!leading) {
            throw new IllegalStateException("the namespace list is not available: this replica does not lead");
        }
        return namespaces.active();
    }
}
