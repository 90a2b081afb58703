package io.pullsecretinjector.secrets.copy;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * What the sync loop does about one copy name in one namespace: {@link CopyReconciler}'s verdict
 * on what is there, plus what only the loop weighs (is the namespace still served, eager, prune,
 * was the copy there before). Pure: decides, makes no call.
 */
public final class CopyPlan {

    /** What to do. */
    public enum Action {
        /** Leave it as it is. */
        NOOP,
        /** Create the copy. */
        CREATE,
        /** Bring our stale copy up to date. */
        UPDATE,
        /** Delete our copy (prune). */
        DELETE
    }

    /**
     * The decision, with a reason for the log.
     *
     * @param action what to do
     * @param reason why, in words an admin recognises
     */
    public record Step(Action action, String reason) {
    }

    /**
     * What the policy wants for one copy in one namespace.
     *
     * @param sourceRef {@code namespace/name} of the source Secret
     * @param source    the source as last seen, or null when it does not exist
     * @param serves    true when the credential applies to the namespace (included, not excluded)
     * @param eager     create the copy without waiting for a Pod
     * @param prune     delete our copy where the credential no longer applies
     * @param wasThere  the loop saw our copy here before, so one missing now was deleted by hand and is restored
     */
    public record Desired(String sourceRef, SourceSecret source, boolean serves, boolean eager, boolean prune, boolean wasThere) {

        /** What the policy wants, for a copy the loop has not seen before. */
        public Desired(String sourceRef, SourceSecret source, boolean serves, boolean eager, boolean prune) {
            this(sourceRef, source, serves, eager, prune, false);
        }
    }

    private CopyPlan() {
    }

    /**
     * Decides for the copy {@code name} in {@code namespace}.
     *
     * @param actual the Secret there now, or null when there is none
     */
    public static Step plan(Desired want, String namespace, String name, Secret actual) {
        if (want.sourceRef().equals(namespace + "/" + name)) {
            return noop("is the source Secret itself");
        }
        CopyReconciler.Verdict verdict = CopyReconciler.judge(want.sourceRef(), want.source(), actual);
        return switch (verdict) {
            case CREATE -> missing(want);
            case FOREIGN -> noop("a Secret the injector did not make from " + want.sourceRef() + "; never written or deleted");
            case WAIT -> noop("being deleted");
            case LEAVE, UPDATE -> ours(want, verdict);
        };
    }

    /**
     * True when {@link #plan} decides NOOP whatever is there (our copy, someone else's Secret, or
     * nothing), so the loop need not look: the name is the source itself, the credential does not
     * apply and prune is off, or the source is missing (copies are kept as they are).
     */
    public static boolean sameWhateverIsThere(Desired want, String namespace, String name) {
        return want.sourceRef().equals(namespace + "/" + name)
                || (!want.serves() && !want.prune())
                || (want.serves() && want.source() == null);
    }

    /** No Secret of that name is there. */
    private static Step missing(Desired want) {
        if (!want.serves()) {
            return noop("no copy, none wanted");
        }
        if (want.source() == null) {
            return noop("no copy, and the source " + want.sourceRef() + " does not exist");
        }
        if (want.eager()) {
            return new Step(Action.CREATE, "eager: the namespace is served and has no copy");
        }
        return want.wasThere() ? new Step(Action.CREATE, "restore: the copy was deleted, but Pods here may still need it")
                : noop("no copy; made when a Pod needs it (eager is off)");
    }

    /** Our copy is there and not being deleted. */
    private static Step ours(Desired want, CopyReconciler.Verdict verdict) {
        if (!want.serves()) {
            return want.prune() ? new Step(Action.DELETE, "prune: the credential no longer applies to this namespace")
                    : noop("the credential no longer applies here; copy kept (prune is off)");
        }
        if (want.source() == null) {
            return noop("the source " + want.sourceRef() + " does not exist; copy kept as is so Pods keep pulling");
        }
        return verdict == CopyReconciler.Verdict.LEAVE ? noop("current") : new Step(Action.UPDATE, "stale: the source content changed");
    }

    private static Step noop(String reason) {
        return new Step(Action.NOOP, reason);
    }
}
