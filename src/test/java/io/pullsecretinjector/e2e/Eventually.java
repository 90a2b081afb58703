package io.pullsecretinjector.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Polls a condition against the API server until it holds or the time is up. Unlike
 * {@code testing.Await}, an exception from the condition counts as "not yet" (the API server may
 * answer an error for a moment, for example while a copy is replaced), and the time it took is
 * returned, because the scenarios report it.
 */
final class Eventually {

    private Eventually() {
    }

    /** Waits up to {@code max} for {@code condition}; fails naming {@code what}. Returns the time it took. */
    static Duration that(String what, Duration max, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + max.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
                last = null;
            } catch (RuntimeException e) {
                last = e; // the API server may answer an error for a moment (a copy being replaced)
            }
            if (System.nanoTime() > deadline) {
                AssertionError failure = new AssertionError("not within " + max.toSeconds() + " s: " + what);
                if (last != null) {
                    failure.initCause(last);
                }
                throw failure;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
