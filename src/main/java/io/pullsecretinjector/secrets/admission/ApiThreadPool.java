package io.pullsecretinjector.secrets.admission;

import io.pullsecretinjector.config.InjectorConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that make Kubernetes API calls for reviews, kept off the HTTP event loop. Bounded:
 * when every thread is busy and the queue is full, a review is answered at once without its
 * copies rather than waiting past the webhook timeout.
 */
@ApplicationScoped
public class ApiThreadPool implements Executor {

    private final ThreadPoolExecutor pool;

    public ApiThreadPool(InjectorConfig config) {
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(1, config.apiThreads());
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 64), r -> {
            Thread t = new Thread(r, "injector-api-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable command) {
        pool.execute(command);
    }

    /** True when no task runs or waits: every call a review started has finished (tests wait for it). */
    public boolean idle() {
        return pool.getActiveCount() == 0 && pool.getQueue().isEmpty() && pool.getCompletedTaskCount() == pool.getTaskCount();
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }
}
