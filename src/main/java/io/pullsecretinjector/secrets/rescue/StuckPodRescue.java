package io.pullsecretinjector.secrets.rescue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.config.RescueConfig;
import io.pullsecretinjector.policy.ImageReferenceCache;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.rescue.RescueRule;
import io.pullsecretinjector.secrets.admission.SourceSecrets;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.sync.SyncLoop;
import io.pullsecretinjector.secrets.sync.SyncService;
import io.pullsecretinjector.secrets.watch.Namespaces;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the {@link StuckPodEvictor}'s passes when {@code injector.rescue.enabled} is on, on a thread
 * of its own, each when the last one said the next is due, and stops them on shutdown. It evicts
 * only on the sync loop's leader.
 */
@ApplicationScoped
public class StuckPodRescue {

    private static final Logger LOG = Logger.getLogger(StuckPodRescue.class);

    private final RescueConfig config;
    private final InjectorConfig injector;
    private final Instance<KubernetesClient> client;
    private final SyncService sync;
    private final PolicyStore policies;
    private final Namespaces namespaces;
    private final SourceSecrets sources;
    private final CopyEvents events;
    private final ImageReferenceCache images;
    private final MeterRegistry registry;
    private ScheduledExecutorService worker;
    private StuckPodEvictor evictor;

    public StuckPodRescue(RescueConfig config, InjectorConfig injector, Instance<KubernetesClient> client, SyncService sync,
                          PolicyStore policies, Namespaces namespaces, SourceSecrets sources, CopyEvents events, ImageReferenceCache images,
                          MeterRegistry registry) {
        this.config = config;
        this.injector = injector;
        this.client = client;
        this.sync = sync;
        this.policies = policies;
        this.namespaces = namespaces;
        this.sources = sources;
        this.events = events;
        this.images = images;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        if (!injector.sync()) {
            LOG.warn("injector.rescue.enabled is on but injector.sync is off: the rescue runs on the sync loop's leader only, so no stuck"
                    + " Pod is evicted. Turn the sync loop on (INJECTOR_SYNC=true) or the rescue off");
            return;
        }
        if (config.evictionsPerMinute() < 1 || config.gracePeriod().isNegative()) {
            throw new IllegalStateException("injector.rescue.evictions-per-minute must be at least 1 and injector.rescue.grace-period must"
                    + " not be negative (got " + config.evictionsPerMinute() + " and " + config.gracePeriod() + "); fix"
                    + " INJECTOR_RESCUE_EVICTIONS_PER_MINUTE or INJECTOR_RESCUE_GRACE_PERIOD (the chart's rescue values)");
        }
        KubernetesClient c = client.get();
        RescueRule rule = new RescueRule(new PolicyEvaluator(injector.namespace(), images), config.gracePeriod());
        StuckPodEvictor e = new StuckPodEvictor(new KubernetesPodWatch(c, config.runningPods()), new KubernetesPodEvictions(c),
                () -> policies.current() == null ? null : policies.current().policy(), namespaces, sources.registries(true),
                credential -> {
                    SourceSecrets.Read read = sources.read(credential);
                    return read.found() ? null : read.problem();
                }, events, rule, config.evictionsPerMinute(), this::leading, Clock.systemUTC(), registry);
        ScheduledExecutorService w = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stuck-pod-rescue");
            t.setDaemon(true);
            return t;
        });
        evictor = e;
        worker = w;
        w.schedule(this::pass, 1, TimeUnit.SECONDS);
        LOG.infof("the rescue of stuck Pods is on: the leader evicts Pods stuck pulling without a credential the policy gives them,"
                + " after %s, at most %d a minute (watching %s Pods)", RescueRule.format(config.gracePeriod()), config.evictionsPerMinute(),
                config.runningPods() ? "Pending and Running" : "Pending");
    }

    private void pass() {
        Duration next = StuckPodEvictor.PERIOD;
        try {
            next = evictor.pass();
        } catch (RuntimeException failure) {
            LOG.errorf(failure, "action=rescue-pass result=failed; the next pass runs in %s", RescueRule.format(next));
        }
        try {
            worker.schedule(this::pass, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            // shutting down
        }
    }

    private boolean leading() {
        SyncLoop loop = sync.loop();
        return loop != null && loop.leading();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (worker != null) {
            worker.shutdownNow();
            try {
                worker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            evictor.close();
        }
    }
}
