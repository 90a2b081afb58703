package io.pullsecretinjector.secrets.rescue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ReducedStateItemStore;
import io.pullsecretinjector.rescue.PodState;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * {@link PodWatch} as one cluster-wide list and watch with a field selector, so the API server
 * sends only the Pods that can be stuck pulling: bound to a node ({@code spec.nodeName!=}) and
 * {@code Pending} (a container that never started), or with {@code runningPods} every Pod not
 * finished (also a container that ran and cannot pull its image for a restart). Field selectors on
 * Pods support {@code status.phase} and {@code spec.nodeName} with {@code =} and {@code !=}, ANDed;
 * there is no "in", hence two {@code !=} for the second form. The informer keeps only each Pod's
 * key and resourceVersion (what a relist compares); the Pods that wait on a pull are kept as
 * {@link PodState}.
 */
final class KubernetesPodWatch implements PodWatch {

    private static final Logger LOG = Logger.getLogger(KubernetesPodWatch.class);
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final KubernetesClient client;
    private final boolean runningPods;
    private final Map<String, PodState> stuck = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> informer;
    private long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;

    KubernetesPodWatch(KubernetesClient client, boolean runningPods) {
        this.client = client;
        this.runningPods = runningPods;
    }

    /** The field selector the watch sends. */
    static String fieldSelector(boolean runningPods) {
        return runningPods ? "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed" : "status.phase=Pending,spec.nodeName!=";
    }

    @Override
    public synchronized void start() {
        if (informer != null && informer.isRunning()) {
            return;
        }
        if (informer != null) {
            informer.close();
        }
        FilterWatchListDeletable<Pod, PodList, PodResource> pods = client.pods().inAnyNamespace().withoutField("spec.nodeName", "");
        pods = runningPods ? pods.withoutField("status.phase", "Succeeded").withoutField("status.phase", "Failed")
                : pods.withField("status.phase", "Pending");
        SharedIndexInformer<Pod> w = pods.runnableInformer(0);
        // the informer's own store holds keys and resourceVersions only; what the rescue needs is in `stuck`
        w.itemStore(new ReducedStateItemStore<>(ReducedStateItemStore.NAME_KEY_STATE, Pod.class, client.getKubernetesSerialization()));
        w.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                seen(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                seen(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean unknownFinalState) {
                gone(pod);
            }
        });
        informer = w;
        w.start().whenComplete((ok, failure) -> {
            if (failure != null) {
                failed(w, failure);
            }
        });
    }

    /** A Pod as the watch delivered it (listed, added or changed): kept while it waits on a pull, else dropped. */
    void seen(Pod pod) {
        PodState state = PodState.of(pod);
        if (state.stuckPulling()) {
            stuck.put(key(pod), state);
        } else {
            stuck.remove(key(pod));
        }
    }

    /** A Pod deleted, or no longer matching the field selector (it started, or finished). */
    void gone(Pod pod) {
        stuck.remove(key(pod));
    }

    private synchronized void failed(SharedIndexInformer<Pod> w, Throwable failure) {
        w.close();
        if (informer == w) {
            informer = null;
            stuck.clear();
        }
        long now = System.nanoTime();
        if (now - lastWarning >= WARN_EVERY_NANOS) {
            lastWarning = now;
            LOG.warnf("action=watch-pods fieldSelector=%s result=failed reason=%s; grant the injector list and watch on pods cluster-wide"
                    + " (the Helm chart does when rescue.enabled is true). Retried every few seconds while this replica leads",
                    fieldSelector(runningPods), failure.getMessage());
        }
    }

    @Override
    public synchronized void stop() {
        if (informer != null) {
            informer.close();
            informer = null;
        }
        stuck.clear();
    }

    @Override
    public synchronized boolean running() {
        return informer != null;
    }

    @Override
    public synchronized boolean synced() {
        return informer != null && informer.hasSynced();
    }

    @Override
    public Collection<PodState> stuck() {
        return List.copyOf(stuck.values());
    }

    private static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
}
