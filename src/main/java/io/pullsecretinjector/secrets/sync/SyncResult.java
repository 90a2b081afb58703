package io.pullsecretinjector.secrets.sync;

/**
 * What the sync loop did: for one copy, or added up over a pass (as Strimzi's reconcile results are).
 *
 * @param checked copies looked at (from memory or with a read)
 * @param written copies created, updated or deleted
 * @param failed  copies that could not be handled (a later pass retries them)
 * @param reads   GETs made
 */
public record SyncResult(int checked, int written, int failed, int reads) {

    /** Nothing done. */
    public static final SyncResult NOTHING = new SyncResult(0, 0, 0, 0);

    /** This and {@code other} added up. */
    public SyncResult plus(SyncResult other) {
        return new SyncResult(checked + other.checked, written + other.written, failed + other.failed, reads + other.reads);
    }

    static SyncResult of(boolean checked, boolean written, boolean failed, boolean read) {
        return new SyncResult(checked ? 1 : 0, written ? 1 : 0, failed ? 1 : 0, read ? 1 : 0);
    }
}
