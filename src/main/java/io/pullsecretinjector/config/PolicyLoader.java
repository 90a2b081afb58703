package io.pullsecretinjector.config;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.policy.PolicyStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Feeds the {@link PolicyStore}: from {@code injector.policy-file} when set (polled for changes),
 * else from the policy ConfigMap (watched), so an edit applies without a restart.
 */
@ApplicationScoped
public class PolicyLoader {

    private static final Logger LOG = Logger.getLogger(PolicyLoader.class);
    /** The ConfigMap key that holds the policy. */
    public static final String POLICY_KEY = "policy.yaml";
    /** The policy ConfigMap's name when {@code injector.policy-configmap} is unset. */
    public static final String DEFAULT_CONFIGMAP = "pullsecret-injector-policy";
    static final long FILE_POLL_MILLIS = 1000;

    private final PolicyStore store;
    private final InjectorConfig config;
    private final Instance<KubernetesClient> client;
    private ScheduledExecutorService poller;
    private SharedIndexInformer<ConfigMap> informer;

    public PolicyLoader(PolicyStore store, InjectorConfig config, Instance<KubernetesClient> client, MeterRegistry registry) {
        this.store = store;
        this.config = config;
        this.client = client;
        Gauge.builder("pullsecret_injector_policy_last_load_timestamp_seconds", store,
                        s -> s.current() == null ? 0 : s.current().loadedAt().toEpochMilli() / 1000.0)
                .description("When the policy in force was applied (0: none yet)").register(registry);
        Gauge.builder("pullsecret_injector_policy_refused_documents", store, PolicyStore::refusals)
                .description("Policy documents refused since start (invalid or unreadable); the last good policy stayed in force")
                .register(registry);
        Gauge.builder("pullsecret_injector_policy_valid", store, s -> s.current() != null && s.lastRefusal() == null ? 1 : 0)
                .description("1 when the newest policy document is the one in force, 0 when it was refused or none is loaded")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        if (config.policyFile().isPresent()) {
            watchFile(Path.of(config.policyFile().get()));
        } else {
            watchConfigMap();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (poller != null) {
            poller.shutdownNow();
        }
        if (informer != null) {
            informer.close();
        }
    }

    /** Where the policy comes from, for logs and readiness. */
    public String origin() {
        return config.policyFile().map(f -> "file " + f).orElseGet(() -> "configmap " + configMapRef());
    }

    private String configMapRef() {
        return config.policyConfigmap().orElse(config.namespace() + "/" + DEFAULT_CONFIGMAP);
    }

    private void watchFile(Path file) {
        String origin = "file " + file;
        LOG.infof("reading the policy from %s (re-read when it changes)", origin);
        FileState[] last = {null};
        Runnable check = () -> {
            try {
                byte[] content = Files.readAllBytes(file);
                FileState now = new FileState(content);
                if (!now.equals(last[0])) {
                    last[0] = now;
                    store.apply(new String(content, StandardCharsets.UTF_8), origin);
                }
            } catch (NoSuchFileException e) {
                if (last[0] == null || last[0].content != null) {
                    last[0] = new FileState(null);
                    store.refuse(origin, "the file does not exist; create it or point INJECTOR_POLICY_FILE at the policy");
                }
            } catch (IOException | RuntimeException e) {
                LOG.warnf("could not read the policy %s: %s; will try again", origin, e.toString());
            }
        };
        check.run();
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "policy-file-watch");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(check, FILE_POLL_MILLIS, FILE_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void watchConfigMap() {
        String ref = configMapRef();
        String[] parts = ref.split("/", 2);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            store.refuse("configmap " + ref, "INJECTOR_POLICY_CONFIGMAP must be namespace/name");
            return;
        }
        String origin = "configmap " + ref;
        LOG.infof("watching the policy in %s, key %s", origin, POLICY_KEY);
        informer = client.get().configMaps().inNamespace(parts[0]).withName(parts[1]).runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(ConfigMap cm) {
                apply(cm);
            }

            @Override
            public void onUpdate(ConfigMap old, ConfigMap cm) {
                apply(cm);
            }

            @Override
            public void onDelete(ConfigMap cm, boolean unknownFinalState) {
                store.refuse(origin, "the ConfigMap was deleted; recreate it (helm upgrade restores it)");
            }

            private void apply(ConfigMap cm) {
                String doc = cm.getData() == null ? null : cm.getData().get(POLICY_KEY);
                if (doc == null) {
                    store.refuse(origin, "the ConfigMap has no key " + POLICY_KEY + "; put the policy under that key");
                } else {
                    store.apply(doc, origin);
                }
            }
        });
        informer.start().whenComplete((ok, failure) -> {
            if (failure != null) {
                store.refuse(origin, "could not read the ConfigMap: " + failure.getMessage()
                        + "; check that the injector may get/list/watch configmaps in " + parts[0]);
            } else if (store.current() == null && store.lastRefusal() == null) {
                store.refuse(origin, "the ConfigMap does not exist; create it with the policy under key " + POLICY_KEY);
            }
        });
    }

    private record FileState(byte[] content) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FileState f && Arrays.equals(content, f.content);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(content);
        }
    }
}
