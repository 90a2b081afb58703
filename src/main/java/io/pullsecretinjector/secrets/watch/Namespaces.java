package io.pullsecretinjector.secrets.watch;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.policy.NamespaceScope;
import io.pullsecretinjector.policy.PolicyStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Map;

/**
 * This replica's one watch on the Namespaces. It runs on every replica as soon as the policy has a
 * {@code namespaceSelector} (admission then reads labels from memory), and on the sync loop's
 * leader in any case (its passes walk the namespace list and follow label changes). A policy
 * without selectors on a replica that does not lead needs no namespace watch at all.
 */
@ApplicationScoped
public class Namespaces implements NamespaceLabels {

    private final NamespaceWatch watch;
    private final PolicyStore policies;

    public Namespaces(Instance<KubernetesClient> client, InjectorConfig config, PolicyStore policies) {
        this.watch = new NamespaceWatch(client.get(), config.resyncPeriod().plusSeconds(30));
        this.policies = policies;
    }

    void onStart(@Observes StartupEvent event) {
        policies.onApply(loaded -> {
            if (NamespaceScope.needsLabels(loaded.policy())) {
                watch.startInBackground();
            }
        });
        PolicyStore.Loaded now = policies.current();
        if (now != null && NamespaceScope.needsLabels(now.policy())) {
            watch.startInBackground();
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        watch.close();
    }

    /** The watch, for the sync loop. */
    public NamespaceWatch watch() {
        return watch;
    }

    @Override
    public Map<String, String> cached(String namespace) {
        return watch.cached(namespace);
    }

    @Override
    public Map<String, String> read(String namespace) {
        return watch.read(namespace);
    }
}
