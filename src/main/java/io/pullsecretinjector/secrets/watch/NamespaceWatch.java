package io.pullsecretinjector.secrets.watch;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One watch on the Namespaces, shared by admission (labels from memory, {@link NamespaceLabels})
 * and the sync loop's leader: the list a full pass walks (those not terminating), the namespaces
 * created after that list was taken (for eager credentials), deleted, or relabelled (a credential
 * with a selector may start or stop serving them). Namespaces already in the last list are covered
 * by the full pass and not reported as created. {@link #start} waits for the first list (up to
 * {@code startTimeout}); {@link #startInBackground} does not. A failed start is retried by the
 * next call that needs the list.
 */
public final class NamespaceWatch implements NamespaceLabels, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NamespaceWatch.class);

    /** What the watch tells its listeners; each runs on the watch's thread, so keep it short. */
    public interface Listener {
        /** A namespace created after the last {@link #active()} list. */
        default void created(String namespace) {
        }

        /** A namespace was deleted. */
        default void deleted(String namespace) {
        }

        /** A namespace's labels changed. */
        default void relabelled(String namespace, Map<String, String> before, Map<String, String> after) {
        }
    }

    private final KubernetesClient client;
    private final Duration startTimeout;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile SharedIndexInformer<Namespace> watch;
    private volatile Set<String> lastListed;
    private volatile boolean closed;

    public NamespaceWatch(KubernetesClient client, Duration startTimeout) {
        this.client = client;
        this.startTimeout = startTimeout;
    }

    /** Adds a listener for the events from now on. */
    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /** Starts watching and waits for the first list; on failure logs what to grant and leaves the watch stopped. */
    public void start() {
        SharedIndexInformer<Namespace> w = begin();
        if (w == null) {
            return;
        }
        try {
            w.start().toCompletableFuture().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failed(w, e);
        }
    }

    /** Starts watching unless it runs already, without waiting for the first list. */
    public void startInBackground() {
        SharedIndexInformer<Namespace> w = begin();
        if (w != null) {
            w.start().whenComplete((v, e) -> {
                if (e != null) {
                    failed(w, e);
                }
            });
        }
    }

    /** True while the watch runs and has delivered its first list. */
    boolean synced() {
        SharedIndexInformer<Namespace> w = watch;
        return w != null && w.isRunning() && w.hasSynced();
    }

    private synchronized SharedIndexInformer<Namespace> begin() {
        if (closed || (watch != null && watch.isRunning())) {
            return null;
        }
        if (watch != null) {
            watch.close();
        }
        SharedIndexInformer<Namespace> w = client.namespaces().runnableInformer(0);
        w.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                String name = ns.getMetadata().getName();
                Set<String> listed = lastListed;
                if (listed != null && !listed.contains(name)) {
                    listeners.forEach(l -> l.created(name));
                }
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
                Map<String, String> before = labels(old);
                Map<String, String> after = labels(ns);
                if (!before.equals(after)) {
                    listeners.forEach(l -> l.relabelled(ns.getMetadata().getName(), before, after));
                }
            }

            @Override
            public void onDelete(Namespace ns, boolean unknownFinalState) {
                listeners.forEach(l -> l.deleted(ns.getMetadata().getName()));
            }
        });
        watch = w;
        return w;
    }

    private void failed(SharedIndexInformer<Namespace> w, Throwable e) {
        LOG.warnf("action=watch-namespaces result=failed reason=%s; grant the injector list and watch on namespaces. "
                + "Retried when the list or a label is next needed", e.getMessage());
        w.close();
        synchronized (this) {
            if (watch == w) {
                watch = null;
            }
        }
    }

    /**
     * The namespaces that exist now and are not terminating, remembered as the last list. Starts
     * the watch again when it failed before, and waits for its first list (blocking, so call it on
     * the sync worker).
     *
     * @throws IllegalStateException when the list is not available yet
     */
    public List<String> active() {
        SharedIndexInformer<Namespace> w = watch;
        if ((w == null || !w.isRunning()) && !closed) {
            start();
            w = watch;
        } else if (w != null) {
            // started in the background (for admission's labels): wait for its first list here
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (!w.hasSynced() && w.isRunning() && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (w == null || !w.hasSynced()) {
            throw new IllegalStateException("the namespace list is not available yet");
        }
        List<String> names = w.getStore().list().stream()
                .filter(n -> n.getMetadata().getDeletionTimestamp() == null
                        && (n.getStatus() == null || !"Terminating".equals(n.getStatus().getPhase())))
                .map(n -> n.getMetadata().getName())
                .toList();
        lastListed = Set.copyOf(names);
        return names;
    }

    @Override
    public Map<String, String> cached(String namespace) {
        SharedIndexInformer<Namespace> w = watch;
        if (w == null) {
            return null;
        }
        Namespace ns = w.getStore().getByKey(namespace);
        return ns == null ? null : labels(ns);
    }

    @Override
    public Map<String, String> read(String namespace) {
        Namespace ns = client.namespaces().withName(namespace).get();
        return ns == null ? null : labels(ns);
    }

    private static Map<String, String> labels(Namespace ns) {
        Map<String, String> labels = ns == null || ns.getMetadata() == null ? null : ns.getMetadata().getLabels();
        return labels == null ? Map.of() : labels;
    }

    @Override
    public void close() {
        SharedIndexInformer<Namespace> w;
        synchronized (this) {
            closed = true;
            w = watch;
            watch = null;
        }
        if (w != null) {
            w.close();
        }
    }
}
