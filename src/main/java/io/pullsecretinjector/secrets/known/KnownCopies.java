package io.pullsecretinjector.secrets.known;

import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the sync loop knows of each copy of ours, keyed by {@code namespace/name}, from its own last
 * read or write (and admission's writes): enough to skip a read of a copy known current, and to
 * write a stale one with one conditional update. Kept small, so 5,000 namespaces cost a few MB.
 */
public final class KnownCopies {

    /**
     * A copy of ours as last read or written.
     *
     * @param resourceVersion its resourceVersion then; null when it carries metadata others added
     *                        (so it cannot be rebuilt whole and is read before it is written)
     * @param hash            the content hash it held then (the source's own String instance when equal, so it is shared)
     */
    public record Known(String resourceVersion, String hash) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();

    /** What is known of {@code key}, or null. */
    public Known get(String key) {
        return known.get(key);
    }

    /** True when the copy {@code key} was last seen in place. */
    public boolean contains(String key) {
        return known.containsKey(key);
    }

    /** The keys of the copies known in place: a live view, for the metrics. */
    public Set<String> keys() {
        return known.keySet();
    }

    /** Remembers our copy as read or written (one being deleted is forgotten); the hash shares the source's String when equal. */
    public void remember(String key, Secret copy, SourceSecret source) {
        if (copy == null || copy.getMetadata() == null || copy.getMetadata().getDeletionTimestamp() != null) {
            known.remove(key);
            return;
        }
        var ann = copy.getMetadata().getAnnotations();
        String hash = ann == null ? "" : ann.getOrDefault(ManagedCopy.HASH_ANNOTATION, "");
        if (source != null && source.hash().equals(hash) && !ManagedCopy.isCurrent(copy, source)) {
            hash = ""; // the annotation says current, the data does not: treat as stale
        } else if (source != null && source.hash().equals(hash)) {
            hash = source.hash();
        }
        String rv = ManagedCopy.isPlain(copy, source) ? copy.getMetadata().getResourceVersion() : null;
        known.put(key, new Known(rv, hash));
    }

    /** The copy is gone, not ours, or no longer to be trusted from memory. */
    public void forget(String key) {
        known.remove(key);
    }

    /** A namespace is gone: forget its copies. */
    public void forgetNamespace(String namespace) {
        known.keySet().removeIf(k -> k.startsWith(namespace + "/"));
    }

    /** Forgets every copy. */
    public void clear() {
        known.clear();
    }
}
