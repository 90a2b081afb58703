package io.pullsecretinjector.secrets.watch;

import io.pullsecretinjector.secrets.copy.SecretKey;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.jboss.logging.Logger;

/**
 * Watches each source Secret the policy names, by name (a field selector: RBAC may grant list and
 * watch with {@code resourceNames}, and no other Secret is ever read). Every replica runs them, so
 * its admission cache drops a rotated source at once. Tells {@code changed} the source ref and the
 * Secret as it is now, or null when it does not exist (also when it is missing at start). A watch
 * refused or broken when it starts is tried again: Helm applies the policy ConfigMap before the
 * RBAC that grants a new source, so the first watch of a credential added by an upgrade is often
 * refused for a moment.
 */
public final class SourceWatches implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SourceWatches.class);

    private final KubernetesClient client;
    private final BiConsumer<String, Secret> changed;
    private final Map<String, SharedIndexInformer<Secret>> watches = new HashMap<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "source-watch-retry");
        t.setDaemon(true);
        return t;
    });
    private boolean closed;

    public SourceWatches(KubernetesClient client, BiConsumer<String, Secret> changed) {
        this.client = client;
        this.changed = changed;
    }

    /** Watches exactly {@code refs} ({@code namespace/name}): new ones start, dropped ones stop, failed ones restart. */
    public synchronized void watch(Set<String> refs) {
        watches.entrySet().removeIf(e -> {
            if (!refs.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (String ref : refs) {
            SharedIndexInformer<Secret> w = watches.get(ref);
            if (w == null || (!w.isRunning() && w.stopped().toCompletableFuture().isDone())) {
                watches.put(ref, start(ref));
            }
        }
    }

    /** The refs watched now. */
    public synchronized Set<String> watched() {
        return Set.copyOf(watches.keySet());
    }

    private SharedIndexInformer<Secret> start(String ref) {
        SecretKey source = SecretKey.parse(ref);
        SharedIndexInformer<Secret> w = client.secrets().inNamespace(source.namespace()).withName(source.name()).runnableInformer(0);
        w.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret s) {
                changed.accept(ref, s);
            }

            @Override
            public void onUpdate(Secret old, Secret s) {
                changed.accept(ref, s);
            }

            @Override
            public void onDelete(Secret s, boolean unknownFinalState) {
                changed.accept(ref, null);
            }
        });
        w.start().whenComplete((ok, failure) -> {
            if (failure != null) {
                Duration retry = retryDelay(ref);
                LOG.warnf("source=%s action=watch result=failed reason=%s; retried in %ss (the next resync also repairs its copies). "
                        + "Grant the injector list and watch on secrets in namespace %s (resourceNames: [%s] is enough)",
                        ref, failure.getMessage(), retry.toSeconds(), source.namespace(), source.name());
                try {
                    retries.schedule(() -> rewatch(ref, w), retry.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // closed meanwhile
                }
            } else {
                failures.remove(ref);
                if (w.getStore().list().isEmpty()) {
                    changed.accept(ref, null);
                }
            }
        });
        return w;
    }

    /** Starts a watch that failed again, unless it was dropped or replaced meanwhile. */
    private synchronized void rewatch(String ref, SharedIndexInformer<Secret> failed) {
        if (!closed && watches.get(ref) == failed) {
            failed.close();
            watches.put(ref, start(ref));
        }
    }

    /** 5 s after the first failure, doubling up to 5 minutes while it keeps failing. */
    private Duration retryDelay(String ref) {
        int n = failures.merge(ref, 1, Integer::sum);
        return Duration.ofSeconds(Math.min(300, 5L << Math.min(n - 1, 6)));
    }

    @Override
    public synchronized void close() {
        closed = true;
        retries.shutdownNow();
        watches.values().forEach(SharedIndexInformer::close);
        watches.clear();
    }
}
