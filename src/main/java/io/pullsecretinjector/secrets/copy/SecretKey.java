package io.pullsecretinjector.secrets.copy;

/**
 * A Secret by namespace and name: the key of the in-memory knowledge asked on every review (cached
 * source reads, known copies). A record rather than a {@code "namespace/name"} string, because
 * building and hashing a new string for each lookup was a measurable share of a warm-path review.
 *
 * @param namespace the Secret's namespace
 * @param name      the Secret's name
 */
public record SecretKey(String namespace, String name) {

    /** The key of {@code "namespace/name"}; names cannot contain a slash, so the split is exact. */
    public static SecretKey parse(String ref) {
        int slash = ref.indexOf('/');
        return slash < 0 ? new SecretKey("", ref) : new SecretKey(ref.substring(0, slash), ref.substring(slash + 1));
    }

    /** {@code namespace/name}, as messages and the copies' source annotation write it. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
