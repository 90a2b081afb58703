package io.pullsecretinjector.secrets.events;

/**
 * The reasons of the Events the injector records ({@code kubectl get events --field-selector
 * reason=CopyFailed}). One set, documented in the README; an Event is about the Secret an admin
 * would look at: the copy, or for {@link #SourceMissing} the source.
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
    ForeignSecret(true, "Reference");

    private final boolean warning;
    private final String action;

    EventReason(boolean warning, String action) {
        this.warning = warning;
        this.action = action;
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
