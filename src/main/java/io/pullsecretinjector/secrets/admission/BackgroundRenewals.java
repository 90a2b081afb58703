package io.pullsecretinjector.secrets.admission;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the caches' background renewals on the API thread pool, at most one at a time for the same
 * entry. A renewal keeps an entry in steady use fresh, so reviews go on being answered from memory
 * instead of all waiting for the API server once it expires.
 */
@ApplicationScoped
public class BackgroundRenewals {

    private final Executor pool;
    /** Entries whose renewal is queued or running. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    @Inject
    public BackgroundRenewals(ApiThreadPool pool) {
        this((Executor) pool);
    }

    /** On any executor; tests run renewals on the calling thread. */
    public BackgroundRenewals(Executor pool) {
        this.pool = pool;
    }

    /** Runs {@code renewal} in the background unless one for {@code what} is queued or running. */
    void submit(String what, Runnable renewal) {
        if (!running.add(what)) {
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    renewal.run();
                } finally {
                    running.remove(what);
                }
            });
        } catch (RejectedExecutionException e) {
            // the pool is busy with reviews; a later review tries again
            running.remove(what);
        }
    }

    /** True while a renewal is queued or running (tests wait for it). */
    public boolean pending() {
        return !running.isEmpty();
    }
}
