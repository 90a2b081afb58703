package io.pullsecretinjector.secrets;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The sync loop's work queue: one worker thread runs the passes one after the other (each pass
 * paces its own API calls with the {@link Pacer}), and a full pass is queued every resync period.
 * A pass already queued is not queued again, and a queued full pass covers every other pass until
 * it starts. Runs only while started (this replica leads); stopping interrupts the running pass
 * and drops the queued ones.
 */
final class SyncQueue {

    private static final Logger LOG = Logger.getLogger(SyncQueue.class);

    /** The key of the full pass. */
    static final String FULL = "full";

    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger runningPasses = new java.util.concurrent.atomic.AtomicInteger();
    private ScheduledExecutorService worker;

    /** Starts the worker and queues {@code fullPass} now and every {@code resyncPeriod}; false when already started. */
    synchronized boolean start(Duration resyncPeriod, Runnable fullPass) {
        if (worker != null) {
            return false;
        }
        pending.clear();
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "copy-sync");
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
        synchronized (this) {
            w = worker;
            worker = null;
            pending.clear();
        }
        if (w != null) {
            w.shutdownNow();
        }
    }

    /** Passes queued or running: 0 when the loop has caught up with every event. */
    int backlog() {
        return pending.size() + runningPasses.get();
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
        try {
            w.execute(() -> {
                runningPasses.incrementAndGet();
                pending.remove(key);
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
            pending.remove(key); // stopped meanwhile
        }
    }
}
