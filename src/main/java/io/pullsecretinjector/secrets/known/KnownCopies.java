package io.pullsecretinjector.secrets.known;

import io.fabric8.kubernetes.api.model.Secret;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What the injector knows of each copy name in each namespace, from its own last read or write:
 * the one record admission and the sync loop share. Whoever reads or writes a copy says so here,
 * with the Secret as the API server returned it ({@link #observed}); nobody else keeps a copy's
 * state. Admission trusts a record for {@code injector.cache-ttl} after it was made ({@link #fresh});
 * the sync loop trusts the records made since it began leading ({@link #sequence}). Kept small, so 5,000 namespaces
 * cost a few MB.
 */
public final class KnownCopies {

    /**
     * One copy name in one namespace as last read or written.
     *
     * @param hash            the content hash our copy held then (the source's own String instance when
     *                        equal, so it is shared); "" when its data did not match its annotation. For a
     *                        foreign Secret: the hash of the source it was judged against
     * @param resourceVersion our copy's resourceVersion then; null when it carries metadata others added
     *                        (so it cannot be rebuilt whole and is read before it is written), or for a foreign Secret
     * @param foreign         a Secret of that name that the injector did not make from the source: never written
     * @param sequence        the order in which records were made: a later read or write has a higher number
     * @param freshUntilNanos until when admission answers from this record without a call
     */
    public record KnownCopy(String hash, String resourceVersion, boolean foreign, long sequence, long freshUntilNanos) {

        /** True for our copy, in place. */
        public boolean ours() {
            return !foreign;
        }
    }

    private final Map<SecretKey, KnownCopy> known = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final long ttlNanos;
    private final LongSupplier clock;

    /**
     * @param ttl   how long admission trusts a record ({@code injector.cache-ttl})
     * @param clock nanoseconds ({@link System#nanoTime()} in production)
     */
    public KnownCopies(Duration ttl, LongSupplier clock) {
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
    }

    /** What is known of the copy {@code key}, fresh or not, or null. */
    public KnownCopy get(SecretKey key) {
        return known.get(key);
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
    public boolean fresh(KnownCopy k) {
        return k != null && clock.getAsLong() - k.freshUntilNanos() < 0;
    }

    /**
     * The Secret named like the copy as a read or write just returned it, judged against the source
     * {@code sourceRef} (content {@code source}, null when missing): our copy is remembered with its
     * hash and, when plain, its resourceVersion; a Secret someone else owns as foreign; none, or one
     * being deleted, is forgotten. Fresh for {@code cache-ttl}.
     */
    public void observed(SecretKey key, String sourceRef, SourceSecret source, Secret actual) {
        remember(key, sourceRef, source, actual, ttlNanos);
    }

    /**
     * A copy the sync loop wrote, as the API server returned it: remembered as {@link #observed}
     * does, but in the last quarter of its {@code cache-ttl}, so the next review that relies on it
     * has it checked again in the background (a GET first, as for a copy seen before).
     */
    public void writtenInBackground(SecretKey key, String sourceRef, SourceSecret source, Secret written) {
        remember(key, sourceRef, source, written, ttlNanos / 4);
    }

    private void remember(SecretKey key, String sourceRef, SourceSecret source, Secret actual, long freshForNanos) {
        if (actual == null || actual.getMetadata() == null || actual.getMetadata().getDeletionTimestamp() != null) {
            known.remove(key);
            return;
        }
        long now = clock.getAsLong();
        if (!ManagedCopy.isOurs(actual, sourceRef)) {
            known.put(key, new KnownCopy(source == null ? "" : source.hash(), null, true, sequence.incrementAndGet(), now + freshForNanos));
            return;
        }
        var ann = actual.getMetadata().getAnnotations();
        String hash = ann == null ? "" : ann.getOrDefault(ManagedCopy.HASH_ANNOTATION, "");
        if (source != null && source.hash().equals(hash)) {
            // the annotation says current; trust it only when the data agrees, and share the source's String
            hash = ManagedCopy.isCurrent(actual, source) ? source.hash() : "";
        }
        String rv = ManagedCopy.isPlain(actual, source) ? actual.getMetadata().getResourceVersion() : null;
        known.put(key, new KnownCopy(hash, rv, false, sequence.incrementAndGet(), now + freshForNanos));
    }

    /**
     * Moves the record into the last quarter of its {@code cache-ttl}, so the next review that relies
     * on it has it checked in the background. It stays known: that check is a GET first.
     */
    public void renewSoon(SecretKey key) {
        long now = clock.getAsLong();
        known.computeIfPresent(key, (k, was) -> was.freshUntilNanos() - now > ttlNanos / 4
                ? new KnownCopy(was.hash(), was.resourceVersion(), was.foreign(), was.sequence(), now + ttlNanos / 4) : was);
    }

    /** The copy is gone, or no longer to be trusted from memory. */
    public void forget(SecretKey key) {
        known.remove(key);
    }

    /** A namespace is gone: forget its copies. */
    public void forgetNamespace(String namespace) {
        known.keySet().removeIf(k -> k.namespace().equals(namespace));
    }

    /** The sequence number of the latest record: a record made later has a higher {@link KnownCopy#sequence()}. */
    public long sequence() {
        return sequence.get();
    }

    /** Our copies in place, recorded after {@code sequence}: for the metrics. */
    public long ours(long sequence) {
        return known.values().stream().filter(k -> k.ours() && k.sequence() > sequence).count();
    }

    /** The namespaces holding at least one of our copies recorded after {@code sequence}: for the metrics. */
    public long namespacesWithOurs(long sequence) {
        return known.entrySet().stream().filter(e -> e.getValue().ours() && e.getValue().sequence() > sequence)
                .map(e -> e.getKey().namespace()).distinct().count();
    }
}
