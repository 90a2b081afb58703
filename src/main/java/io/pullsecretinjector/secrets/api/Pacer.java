package io.pullsecretinjector.secrets.api;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket for API calls: {@code qps} calls a second on average, up to {@code burst} at
 * once after a quiet spell. The sync loop waits its turn in {@link #acquire()}, which a stopping
 * loop interrupts; Event writes, which must never wait, ask {@link #tryAcquire()}.
 */
public final class Pacer {

    private final double perNano;
    private final double burst;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    /** @param clock nanoseconds ({@link System#nanoTime()} in production) */
    public Pacer(double qps, int burst, LongSupplier clock) {
        if (qps <= 0 || burst < 1) {
            throw new IllegalArgumentException("QPS must be > 0 and burst >= 1, got qps=" + qps + " burst=" + burst);
        }
        this.perNano = qps / 1e9;
        this.burst = burst;
        this.clock = clock;
        this.tokens = burst;
        this.last = clock.getAsLong();
    }

    /** Takes one call's token; returns how long the caller must wait before making it (0: now). */
    synchronized long reserveNanos() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        tokens -= 1;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
    }

    /** Takes one call's token when one is there now and returns true; otherwise takes nothing and returns false. */
    public synchronized boolean tryAcquire() {
        long now = clock.getAsLong();
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Waits until one more call is allowed. */
    public void acquire() throws InterruptedException {
        long wait = reserveNanos();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
