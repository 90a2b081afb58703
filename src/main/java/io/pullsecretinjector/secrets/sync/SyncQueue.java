package io.pullsecretinjector.secrets.sync;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The sync loop's work queue: one worker thread runs the passes one after the other (each pass
 * paces its own API calls with the {@link Pacer}), and a full pass is queued every resync period.
 * A pass already queued is not queued again, and a queued full pass covers every other pass until
 * it starts. Passes over one namespace (a new or relabelled one) run on a second worker of their
 * own ({@link #enqueueNamespace}), so that a full pass over thousands of namespaces, which takes
 * minutes at the default pace, does not hold them up: they are a few calls each. Runs only while
 * started (this replica leads); stopping interrupts the running passes and drops the queued ones.
 */
final class SyncQueue {

    private static final Logger LOG = Logger.getLogger(SyncQueue.class);

    /** The key of the full pass. */
    static final String FULL = "full";

    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingNamespaces = ConcurrentHashMap.newKeySet();
    private final AtomicInteger runningPasses = new AtomicInteger();
    private ScheduledExecutorService worker;
    private ExecutorService namespaceWorker;

    /** Starts the worker and queues {@code fullPass} now and every {@code resyncPeriod}; false when already started. */
    synchronized boolean start(Duration resyncPeriod, Runnable fullPass) {
        if (worker != null) {
            return false;
        }
        pending.clear();
        pendingNamespaces.clear();
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "copy-sync");
            t.setDaemon(true);
            return t;
        });
        namespaceWorker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "copy-sync-namespace");
            t.setDaemon(true);
            return t;
        });
        long period = resyncPeriod.toMillis();
        worker.scheduleWithFixedDelay(() -> enqueue(FULL, fullPass), period, period, TimeUnit.MILLISECONDS);
        return true;
    }

    /** Stops the worker, interrupting the running pass; queued passes are dropped. */
    void stop() {
        ScheduledExecutorService w;
        ExecutorService n;
        synchronized (this) {
            w = worker;
            n = namespaceWorker;
            worker = null;
            namespaceWorker = null;
            pending.clear();
            pendingNamespaces.clear();
        }
        if (w != null) {
            w.shutdownNow();
        }
        if (n != null) {
            n.shutdownNow();
        }
    }

    /** Passes queued or running: 0 when the loop has caught up with every event. */
    int backlog() {
        return pending.size() + pendingNamespaces.size() + runningPasses.get();
    }

    /** True while started. */
    synchronized boolean running() {
        return worker != null;
    }

    /** Runs a task on the worker, outside the de-duplication (starting the namespace watch). */
    void execute(Runnable task) {
        ScheduledExecutorService w;
        synchronized (this) {
            w = worker;
        }
        if (w != null) {
            try {
                w.execute(task);
            } catch (RejectedExecutionException e) {
                // stopped meanwhile
            }
        }
    }

    /** Queues a pass under {@code key} unless the same pass, or a full pass, is queued already; nothing while stopped. */
    void enqueue(String key, Runnable pass) {
        ScheduledExecutorService w;
        synchronized (this) {
            w = worker;
            if (w == null) {
                return;
            }
            if (!key.equals(FULL) && pending.contains(FULL)) {
                return; // the full pass not yet started covers it
            }
            if (!pending.add(key)) {
                return;
            }
        }
        submit(w, pending, key, pass);
    }

    /**
     * Queues a pass over one namespace on the second worker, unless the same is queued there
     * already; nothing while stopped. A queued full pass does not cover it: it may be minutes away.
     */
    void enqueueNamespace(String key, Runnable pass) {
        ExecutorService n;
        synchronized (this) {
            n = namespaceWorker;
            if (n == null || !pendingNamespaces.add(key)) {
                return;
            }
        }
        submit(n, pendingNamespaces, key, pass);
    }

    private void submit(ExecutorService w, Set<String> queued, String key, Runnable pass) {
        try {
            w.execute(() -> {
                runningPasses.incrementAndGet();
                queued.remove(key);
                try {
                    pass.run();
                } catch (CopySynchronizer.Stopped e) {
                    LOG.debugf("pass %s stopped: no longer leading", key);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "action=sync-pass kind=%s result=failed; the next event or resync tries again", key);
                } finally {
                    runningPasses.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(key); // stopped meanwhile
        }
    }
}
