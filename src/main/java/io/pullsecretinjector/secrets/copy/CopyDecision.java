package io.pullsecretinjector.secrets.copy;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * What to do about one copy name in one namespace, given what is wanted there and the Secret of
 * that name now: the one decision admission and the sync loop share (they differ only in what they
 * want and how they carry it out). Pure: decides, makes no call. Above all: a Secret the injector
 * did not make from this source is never written or deleted.
 *
 * @param action what to do
 * @param reason why, in words an admin recognises (for the log; never Secret data)
 */
public record CopyDecision(Action action, String reason) {

    /** What to do. */
    public enum Action {
        /** There is no copy and one is wanted: create it. */
        CREATE,
        /** Our copy holds older content: bring it up to date. */
        UPDATE,
        /** Our copy where the credential no longer applies, with prune on: delete it. */
        DELETE,
        /** Our copy stays as it is: current, or kept (the source is gone, or prune is off); Pods may reference it. */
        KEEP,
        /** There is no copy and none is to be made now. */
        NONE,
        /** Someone else's Secret of that name (or the source itself): never written or deleted, only referenced as it is. */
        FOREIGN,
        /** Our copy is being deleted: neither written nor relied on until it is gone. */
        WAIT;

        /** True for the actions that write (create, update, delete). */
        public boolean writes() {
            return this == CREATE || this == UPDATE || this == DELETE;
        }
    }

    /**
     * What is wanted for one copy in one namespace.
     *
     * @param sourceRef {@code namespace/name} of the source Secret
     * @param source    the source as last seen, or null when it does not exist
     * @param serves    true when the credential applies to the namespace (included, not excluded)
     * @param eager     create the copy when it is missing, without waiting for a Pod
     * @param prune     delete our copy where the credential no longer applies
     * @param wasThere  our copy was seen here before, so one missing now was deleted by hand and is restored
     */
    public record Wanted(String sourceRef, SourceSecret source, boolean serves, boolean eager, boolean prune, boolean wasThere) {

        /** What a Pod that is being admitted wants: the copy, now (or, with no source, the copy that is there). */
        public static Wanted forPod(String sourceRef, SourceSecret source) {
            return new Wanted(sourceRef, source, true, true, false, false);
        }
    }

    /**
     * Decides for the copy {@code name} in {@code namespace}.
     *
     * @param actual the Secret there now, or null when there is none
     */
    public static CopyDecision decide(Wanted want, String namespace, String name, Secret actual) {
        if (isTheSource(want, namespace, name)) {
            return actual == null ? none("is the source Secret itself") : foreign("is the source Secret itself");
        }
        if (actual == null) {
            return missing(want);
        }
        if (!ManagedCopy.isOurs(actual, want.sourceRef())) {
            return foreign("a Secret the injector did not make from " + want.sourceRef() + "; never written or deleted");
        }
        if (actual.getMetadata().getDeletionTimestamp() != null) {
            return new CopyDecision(Action.WAIT, "being deleted");
        }
        return ours(want, actual);
    }

    /**
     * True when {@link #decide} writes nothing whatever is there (our copy, someone else's Secret,
     * or nothing), so the loop need not look: the name is the source itself, the credential does not
     * apply and prune is off, or the source is missing (copies are kept as they are).
     */
    public static boolean sameWhateverIsThere(Wanted want, String namespace, String name) {
        return isTheSource(want, namespace, name)
                || (!want.serves() && !want.prune())
                || (want.serves() && want.source() == null);
    }

    private static boolean isTheSource(Wanted want, String namespace, String name) {
        return want.sourceRef().equals(namespace + "/" + name);
    }

    /** No Secret of that name is there. */
    private static CopyDecision missing(Wanted want) {
        if (!want.serves()) {
            return none("no copy, none wanted");
        }
        if (want.source() == null) {
            return none("no copy, and the source " + want.sourceRef() + " does not exist");
        }
        if (want.eager()) {
            return new CopyDecision(Action.CREATE, "eager: the namespace is served and has no copy");
        }
        return want.wasThere() ? new CopyDecision(Action.CREATE, "restore: the copy was deleted, but Pods here may still need it")
                : none("no copy; made when a Pod needs it (eager is off)");
    }

    /** Our copy is there and not being deleted. */
    private static CopyDecision ours(Wanted want, Secret actual) {
        if (!want.serves()) {
            return want.prune() ? new CopyDecision(Action.DELETE, "prune: the credential no longer applies to this namespace")
                    : keep("the credential no longer applies here; copy kept (prune is off)");
        }
        if (want.source() == null) {
            return keep("the source " + want.sourceRef() + " does not exist; copy kept as is so Pods keep pulling");
        }
        return ManagedCopy.isCurrent(actual, want.source()) ? keep("current") : new CopyDecision(Action.UPDATE, "stale: the source content changed");
    }

    private static CopyDecision keep(String reason) {
        return new CopyDecision(Action.KEEP, reason);
    }

    private static CopyDecision none(String reason) {
        return new CopyDecision(Action.NONE, reason);
    }

    private static CopyDecision foreign(String reason) {
        return new CopyDecision(Action.FOREIGN, reason);
    }
}
