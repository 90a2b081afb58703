package io.pullsecretinjector.secrets.known;

import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * What the injector knows of each source Secret the policy names: the one record admission's reads
 * and the source watches share. A read ({@link #read}) or a watch event ({@link #watched}) says
 * what the source is now; a change the watch reports (new content, a source appearing or going) is
 * passed to the one {@link Changes} listener given, the sync loop, which updates the copies.
 * Admission trusts a record for {@code injector.cache-ttl} after it was made; the sync loop acts on
 * the sources the watch has reported, with the latest content known.
 */
public final class KnownSources {

    /**
     * One source as last read or watched.
     *
     * @param secret          its content, or null when it does not exist
     * @param freshUntilNanos until when admission answers from this record without a call
     * @param watched         what the watch last reported: the content hash, {@link #MISSING}, or null
     *                        when the watch has not reported the source yet
     */
    public record KnownSource(SourceSecret secret, long freshUntilNanos, String watched) {

        /** True when the source does not exist. */
        public boolean missing() {
            return secret == null;
        }
    }

    /** {@link KnownSource#watched()} of a source the watch reported as not existing. */
    public static final String MISSING = "missing";

    /** Told when a source's content changes; runs on the thread that saw it, so keep it short. */
    @FunctionalInterface
    public interface Changes {
        /**
         * @param ref    the source
         * @param before what was known before (null: nothing, it had not been read or watched)
         * @param now    what is known now
         */
        void changed(SecretKey ref, KnownSource before, KnownSource now);

        /** Nobody listens: admission alone, with the sync loop off. */
        Changes NONE = (ref, before, now) -> {
        };
    }

    private final Map<SecretKey, KnownSource> known = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final LongSupplier clock;
    private volatile Changes changes = Changes.NONE;

    /**
     * @param ttl   how long admission trusts a record ({@code injector.cache-ttl})
     * @param clock nanoseconds ({@link System#nanoTime()} in production)
     */
    public KnownSources(Duration ttl, LongSupplier clock) {
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
    }

    /** The one listener told of each change from now on (the sync loop, while it runs; {@link Changes#NONE} to stop). */
    public void tell(Changes listener) {
        this.changes = listener;
    }

    /** What is known of the source {@code ref}, fresh or not, or null when it has not been read or watched. */
    public KnownSource get(SecretKey ref) {
        return known.get(ref);
    }

    /** Now, on the store's clock. */
    public long now() {
        return clock.getAsLong();
    }

    /** {@code injector.cache-ttl} in nanoseconds. */
    public long ttlNanos() {
        return ttlNanos;
    }

    /** True when admission may answer from {@code k} now without a call. */
    public boolean fresh(KnownSource k) {
        return k != null && clock.getAsLong() - k.freshUntilNanos() < 0;
    }

    /** The source as admission read it now ({@code now} null: it does not exist), fresh for {@code cache-ttl}. Tells nobody. */
    public void read(SecretKey ref, SourceSecret now) {
        long freshUntil = clock.getAsLong() + ttlNanos;
        known.compute(ref, (k, was) -> new KnownSource(now, freshUntil, was == null ? null : was.watched()));
    }

    /**
     * The source as the watch reports it now ({@code now} null: it does not exist), fresh for
     * {@code cache-ttl}. When that differs from what the watch reported before, the listener is told.
     */
    public void watched(SecretKey ref, SourceSecret now) {
        KnownSource next = new KnownSource(now, clock.getAsLong() + ttlNanos, now == null ? MISSING : now.hash());
        KnownSource before = known.put(ref, next);
        if (before == null || !Objects.equals(before.watched(), next.watched())) {
            changes.changed(ref, before == null || before.watched() == null ? null : before, next);
        }
    }

    /**
     * A read failed: admission reads the source again at the next review instead of answering from
     * memory, and what was known stays for the sync loop (the watch keeps it current).
     */
    public void expire(SecretKey ref) {
        known.computeIfPresent(ref, (k, was) -> new KnownSource(was.secret(), clock.getAsLong(), was.watched()));
    }

    /** Forgets every source but {@code refs} (the policy's). */
    public void retainOnly(Collection<SecretKey> refs) {
        known.keySet().retainAll(refs);
    }

    /** How many sources the watch reports as not existing: for the metrics. */
    public long missing() {
        return known.values().stream().filter(k -> MISSING.equals(k.watched())).count();
    }
}
