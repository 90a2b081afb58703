package io.pullsecretinjector.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for something another thread does: polls the condition until it holds, and fails with
 * what was awaited once {@code max} has passed. The one way tests wait; a generous limit costs
 * nothing when the condition comes true early, so it is never what makes a test slow or flaky.
 */
public final class Await {

    private Await() {
    }

    /** Waits up to 10 s. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, Duration.ofSeconds(10), condition);
    }

    public static void until(String what, Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + max.toSeconds() + " s for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
