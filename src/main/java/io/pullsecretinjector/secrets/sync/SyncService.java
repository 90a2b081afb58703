package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.pullsecretinjector.secrets.known.KnownSources;
import io.pullsecretinjector.secrets.watch.Namespaces;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.policy.PolicyStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

/** Starts the {@link SyncLoop} with the injector's settings when {@code injector.sync} is on, and stops it on shutdown. */
@ApplicationScoped
public class SyncService {

    private static final Logger LOG = Logger.getLogger(SyncService.class);

    private final InjectorConfig config;
    private final Instance<KubernetesClient> client;
    private final SecretApi api;
    private final PolicyStore policies;
    private final KnownCopies copies;
    private final KnownSources sources;
    private final MeterRegistry registry;
    private final Namespaces namespaces;
    private final CopyEvents events;
    private volatile SyncLoop loop;

    public SyncService(InjectorConfig config, Instance<KubernetesClient> client, SecretApi api, PolicyStore policies,
                       KnownCopies copies, KnownSources sources, MeterRegistry registry, Namespaces namespaces, CopyEvents events) {
        this.namespaces = namespaces;
        this.events = events;
        this.config = config;
        this.client = client;
        this.api = api;
        this.policies = policies;
        this.copies = copies;
        this.sources = sources;
        this.registry = registry;
    }

    /** The settings of the loop, from {@code injector.*}. */
    public static SyncLoop.Settings settings(InjectorConfig config) {
        return new SyncLoop.Settings(config.namespace(), config.resyncPeriod(), config.syncQps(), config.syncBurst(),
                config.leaderElection(), config.leaderLease(), config.leaderIdentity(), config.leaderLeaseDuration(), config.syncVerifyPeriod());
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.sync()) {
            LOG.info("the sync loop is off (injector.sync=false): copies are made and refreshed only when Pods are admitted");
            return;
        }
        SyncLoop l = new SyncLoop(client.get(), settings(config), api, copies, sources, policies, registry, namespaces.watch(), events);
        loop = l;
        l.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        SyncLoop l = loop;
        if (l != null) {
            l.close();
        }
    }

    /** The running loop, or null when {@code injector.sync} is off. */
    public SyncLoop loop() {
        return loop;
    }
}
