package io.pullsecretinjector.secrets.copy;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * What to do about one copy, given its source and the Secret of that name in the namespace: the one
 * decision admission and the sync loop share (they differ only in how they carry it out). Pure:
 * decides, makes no call. Above all: a Secret the injector did not make from this source is never
 * written.
 */
public final class CopyReconciler {

    /** The decision. */
    public enum Verdict {
        /** There is no Secret of that name: create the copy (when there is a source to copy). */
        CREATE,
        /** Our copy holds older content: bring it up to date. */
        UPDATE,
        /** Our copy is current, or the source is gone and the copy is kept as it is so Pods keep pulling. */
        LEAVE,
        /** Someone else's Secret of that name: never written or deleted, only referenced as it is. */
        FOREIGN,
        /** Our copy is being deleted: neither written nor relied on until it is gone. */
        WAIT
    }

    private CopyReconciler() {
    }

    /**
     * Judges the Secret named like the copy.
     *
     * @param sourceRef {@code namespace/name} of the source
     * @param source    the source's current content, or null when it does not exist
     * @param existing  the Secret in the namespace now, or null when there is none
     */
    public static Verdict judge(String sourceRef, SourceSecret source, Secret existing) {
        if (existing == null) {
            return Verdict.CREATE;
        }
        if (!ManagedCopy.isOurs(existing, sourceRef)) {
            return Verdict.FOREIGN;
        }
        if (existing.getMetadata().getDeletionTimestamp() != null) {
            return Verdict.WAIT;
        }
        if (source == null || ManagedCopy.isCurrent(existing, source)) {
            return Verdict.LEAVE;
        }
        return Verdict.UPDATE;
    }
}
