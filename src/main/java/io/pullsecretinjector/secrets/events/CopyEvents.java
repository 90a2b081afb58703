package io.pullsecretinjector.secrets.events;

/**
 * Where the injector reports what it did to Secrets, as Kubernetes Events for admins. Never blocks
 * and never throws: recording is best effort and must not delay a Pod or a sync pass. A note never
 * carries Secret data, only names and what to do.
 */
@FunctionalInterface
public interface CopyEvents {

    /**
     * Records that {@code reason} happened to the Secret {@code namespace/name}.
     *
     * @param note what happened and, for a warning, what to do next
     */
    void record(EventReason reason, String namespace, String name, String note);

    /** Records nothing: for code wired without an API (tests, offline tools). */
    CopyEvents NONE = (reason, namespace, name, note) -> {
    };
}
