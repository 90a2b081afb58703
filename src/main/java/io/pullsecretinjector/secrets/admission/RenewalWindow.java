package io.pullsecretinjector.secrets.admission;

/**
 * When a cached entry that is still in use should be renewed: in the last quarter of its time to
 * live. Early enough that the background re-read is done before the entry expires (it takes one
 * API round trip), late enough that an entry is read again at most about once per three quarters
 * of {@code injector.cache-ttl}.
 */
final class RenewalWindow {

    private RenewalWindow() {
    }

    /** True when the entry is fresh at {@code now} and expires within a quarter of {@code ttlNanos}. */
    static boolean isDue(long expiresAtNanos, long ttlNanos, long now) {
        long left = expiresAtNanos - now;
        return left > 0 && left <= ttlNanos / 4;
    }
}
