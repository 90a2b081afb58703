package io.pullsecretinjector.secrets;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The leader's view of the namespaces: the list a full pass walks (those not terminating), and
 * the namespaces created after that list was taken ({@code created}, for eager credentials) or
 * deleted ({@code deleted}). Namespaces already in the last list are covered by the full pass
 * and not reported as created. Starting is blocking (up to {@code startTimeout}) and is done on the
 * sync worker; a failed start is retried by the next pass that needs the list.
 */
final class NamespaceWatch implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(NamespaceWatch.class);

    private final KubernetesClient client;
    private final Duration startTimeout;
    private final Consumer<String> created;
    private final Consumer<String> deleted;
    private volatile SharedIndexInformer<Namespace> watch;
    private volatile Set<String> lastListed;
    private volatile boolean closed;

    NamespaceWatch(KubernetesClient client, Duration startTimeout, Consumer<String> created, Consumer<String> deleted) {
        this.client = client;
        this.startTimeout = startTimeout;
        this.created = created;
        this.deleted = deleted;
    }

    /** Starts watching and waits for the first list; on failure logs what to grant and leaves the watch stopped. */
    void start() {
        SharedIndexInformer<Namespace> w = client.namespaces().runnableInformer(0);
        w.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                String name = ns.getMetadata().getName();
                Set<String> listed = lastListed;
                if (listed != null && !listed.contains(name)) {
                    created.accept(name);
                }
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
            }

            @Override
            public void onDelete(Namespace ns, boolean unknownFinalState) {
                deleted.accept(ns.getMetadata().getName());
            }
        });
        synchronized (this) {
            if (closed) {
                return;
            }
            watch = w;
        }
        try {
            w.start().toCompletableFuture().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("action=watch-namespaces result=failed reason=%s; grant the injector list and watch on namespaces. "
                    + "Retried at the next resync", e.getMessage());
            w.close();
            synchronized (this) {
                if (watch == w) {
                    watch = null;
                }
            }
        }
    }

    /**
     * The namespaces that exist now and are not terminating, remembered as the last list. Starts
     * the watch again when it failed before (blocking, so call it on the sync worker).
     *
     * @throws IllegalStateException when the list is not available yet
     */
    List<String> active() {
        SharedIndexInformer<Namespace> w = watch;
        if ((w == null || !w.isRunning()) && !closed) {
            start();
            w = watch;
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
