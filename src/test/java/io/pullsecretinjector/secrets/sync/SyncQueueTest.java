package io.pullsecretinjector.secrets.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullsecretinjector.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sync loop's work queue: one pass at a time, no pass queued twice, a queued full pass covers
 * the rest; passes over one namespace run beside them, not behind them.
 */
class SyncQueueTest {

    static final Duration NO_RESYNC = Duration.ofHours(1);

    final SyncQueue queue = new SyncQueue();
    final List<String> ran = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        queue.stop();
    }

    /** Occupies the worker until {@link #release} opens, so what is queued meanwhile stays queued. */
    void blockTheWorker() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        queue.execute(() -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    }

    Runnable pass(String name) {
        return () -> ran.add(name);
    }

    @Test
    void nothingRunsWhileTheQueueIsStopped() {
        queue.enqueue("source a", pass("source a"));

        assertThat(queue.running()).isFalse();
        queue.start(NO_RESYNC, pass("full"));
        queue.enqueue("source b", pass("source b"));
        Await.until("the pass queued after the start ran", () -> ran.contains("source b"));
        assertThat(ran).containsExactly("source b");
    }

    @Test
    void aPassAlreadyQueuedIsNotQueuedTwice() throws InterruptedException {
        queue.start(NO_RESYNC, pass("full"));
        blockTheWorker();

        queue.enqueue("source a", pass("source a"));
        queue.enqueue("source a", pass("source a"));
        queue.enqueue("namespace n", pass("namespace n"));
        release.countDown();

        Await.until("both passes ran", () -> ran.size() == 2);
        queue.enqueue("marker", pass("marker"));
        Await.until("a later pass ran", () -> ran.contains("marker"));
        assertThat(ran).containsExactly("source a", "namespace n", "marker");
    }

    @Test
    void aQueuedFullPassCoversEveryOtherPassUntilItStarts() throws InterruptedException {
        queue.start(NO_RESYNC, pass("full"));
        blockTheWorker();

        queue.enqueue(SyncQueue.FULL, pass("full"));
        queue.enqueue("source a", pass("source a"));
        release.countDown();

        Await.until("the full pass ran", () -> ran.contains("full"));
        queue.enqueue("source a", pass("source a"));
        Await.until("a pass queued after the full pass started runs", () -> ran.contains("source a"));
        assertThat(ran).containsExactly("full", "source a");
    }

    @Test
    void aFailingPassDoesNotStopTheQueue() {
        queue.start(NO_RESYNC, pass("full"));

        queue.enqueue("broken", () -> {
            throw new IllegalStateException("the namespace list is not available yet");
        });
        queue.enqueue("next", pass("next"));

        Await.until("the next pass ran", () -> ran.contains("next"));
    }

    @Test
    void theFullPassRunsEveryResyncPeriod() {
        queue.start(Duration.ofMillis(50), pass("full"));

        Await.until("three resyncs", () -> ran.stream().filter("full"::equals).count() >= 3);
    }

    @Test
    void stoppingDropsQueuedPassesAndInterruptsTheRunningOne() throws InterruptedException {
        queue.start(NO_RESYNC, pass("full"));
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        queue.enqueue("long", () -> {
            running.countDown();
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        queue.enqueue("queued", pass("queued"));

        queue.stop();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the running pass was interrupted").isTrue();
        assertThat(queue.running()).isFalse();
        assertThat(ran).as("the queued pass was dropped").isEmpty();
    }

    @Test
    void aNamespacePassRunsWhileALongPassHoldsTheWorkerAndIsNotCoveredByAQueuedFullPass() throws InterruptedException {
        queue.start(NO_RESYNC, pass("full"));
        blockTheWorker();
        queue.enqueue(SyncQueue.FULL, pass("full"));

        // the namespace worker busy with another namespace, so the second request finds the first still queued
        CountDownLatch holdNamespaces = new CountDownLatch(1);
        queue.enqueueNamespace("namespace busy", () -> {
            try {
                holdNamespaces.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        queue.enqueueNamespace("namespace team-a", pass("namespace team-a"));
        queue.enqueueNamespace("namespace team-a", pass("namespace team-a"));
        holdNamespaces.countDown();

        Await.until("the namespace pass ran beside the blocked worker", () -> ran.contains("namespace team-a"));
        assertThat(ran).containsExactly("namespace team-a");
        release.countDown();
        Await.until("the full pass ran after the long one", () -> ran.contains("full"));
    }

    @Test
    void noNamespacePassRunsWhileStopped() {
        queue.enqueueNamespace("namespace team-a", pass("namespace team-a"));

        queue.start(NO_RESYNC, pass("full"));
        queue.stop();
        queue.enqueueNamespace("namespace team-b", pass("namespace team-b"));

        assertThat(ran).isEmpty();
    }
}
