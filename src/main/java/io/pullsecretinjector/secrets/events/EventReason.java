package io.pullsecretinjector.secrets.events;

/**
 * The reasons of the Events the injector records ({@code kubectl get events --field-selector
 * reason=CopyFailed}). One set, documented in the README; an Event is about the object an admin
 * would look at: the copy, for {@link #SourceMissing} the source, and for the rescue's reasons the
 * stuck Pod.
 */
public enum EventReason {
    /** A copy was created in a namespace (by admission for a Pod, or by the sync loop for an eager credential). */
    CopyCreated(false, "Create"),
    /** Our copy was stale and was brought up to date with its source. */
    CopyUpdated(false, "Update"),
    /** Our copy was deleted because its credential no longer serves the namespace and has {@code prune: true}. */
    CopyDeleted(false, "Delete"),
    /** A copy could not be created, updated or deleted; the note says why and what to do. */
    CopyFailed(true, "Reconcile"),
    /** The source Secret named by the policy does not exist; regarding the source. */
    SourceMissing(true, "Read"),
    /** A Secret with the copy's name exists and was not made by the injector; it is referenced as is and never written. */
    ForeignSecret(true, "Reference"),
    /** The rescue evicted a Pod stuck pulling without a credential, so its controller recreates it with the credential; regarding the Pod. */
    StuckPodEvicted(false, "Evict", "Pod"),
    /** The API server refused that eviction for now (429: a PodDisruptionBudget); it is tried again later, never forced. */
    StuckPodEvictionRefused(true, "Evict", "Pod"),
    /** A Pod stuck without a credential is not evicted, because a new one would come back stuck too; the note says what to fix. */
    StuckPodNotEvicted(true, "Evict", "Pod");

    private final boolean warning;
    private final String action;
    private final String kind;

    EventReason(boolean warning, String action) {
        this(warning, action, "Secret");
    }

    EventReason(boolean warning, String action, String kind) {
        this.warning = warning;
        this.action = action;
        this.kind = kind;
    }

    /** The kind of the object the Event is regarding (a core/v1 kind). */
    public String kind() {
        return kind;
    }

    /** The Event's type: Warning when an admin has something to do, else Normal. */
    public String type() {
        return warning ? "Warning" : "Normal";
    }

    /** True for a Warning: written before Normal Events when the rate bound holds some back. */
    public boolean warning() {
        return warning;
    }

    /** The Event's action: what the injector did or tried. */
    public String action() {
        return action;
    }
}
