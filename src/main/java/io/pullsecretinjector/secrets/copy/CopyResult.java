package io.pullsecretinjector.secrets.copy;

/** What {@link SecretReplicator} did about one copy. */
public enum CopyResult {
    /** The copy did not exist and was created. */
    CREATED,
    /** The copy exists and is current: nothing written. */
    UNCHANGED,
    /** The copy was ours and stale, and was brought up to date. */
    UPDATED,
    /** A dry-run review: nothing was read or written. */
    SKIPPED_DRY_RUN,
    /** A Secret of that name exists and is not ours: referenced as is, never overwritten. */
    FOREIGN,
    /** The copy could not be ensured; the Pod is admitted without it. */
    FAILED;

    /** True when the Pod may reference the name. */
    public boolean usable() {
        return this != FAILED;
    }
}
