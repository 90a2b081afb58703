package io.pullsecretinjector.secrets.rescue;

/**
 * The one Pod write the rescue makes: an eviction through the Eviction API ({@code policy/v1},
 * {@code pods/eviction}), so PodDisruptionBudgets are respected and nothing is deleted by force. A
 * narrow seam: tests prove which paths evict nothing. RBAC grants exactly {@code create} on
 * {@code pods/eviction}, and only when the chart's {@code rescue.enabled} is on.
 */
public interface PodEvictions {

    /**
     * Asks the API server to evict exactly the Pod that was judged: refused as {@link Outcome#CHANGED}
     * when its uid or resourceVersion is no longer the one given (a StatefulSet's new Pod of the same
     * name, or a Pod whose status moved on). Never throws.
     */
    Result evict(String namespace, String name, String uid, String resourceVersion);

    /** How an eviction ended; the metric's {@code outcome} tag. */
    enum Outcome {
        /** The API server accepted it: the Pod is being deleted and its controller makes a new one. */
        EVICTED("evicted"),
        /** 429: a PodDisruptionBudget does not allow it now (or the API server is throttling); tried again later. */
        REFUSED("refused"),
        /** 409: the Pod changed since it was judged; judged again from the watch. */
        CHANGED("changed"),
        /** 404: the Pod is gone already. */
        GONE("gone"),
        /** Any other failure (403, 5xx, no answer); tried again later. */
        FAILED("failed");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        /** The metric tag. */
        public String tag() {
            return tag;
        }
    }

    /**
     * @param outcome how it ended
     * @param problem for {@link Outcome#FAILED} and {@link Outcome#REFUSED}: what happened and what to do, as a sentence; else null
     */
    record Result(Outcome outcome, String problem) {
    }
}
