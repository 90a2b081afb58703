package io.pullsecretinjector.secrets.events;

/**
 * Where the injector reports what it did to Secrets (and the rescue to stuck Pods), as Kubernetes Events for admins. Never blocks
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

    /**
     * Records that {@code reason} happened to the object {@code namespace/name} with that uid: for
     * a Pod, whose Events {@code kubectl describe} finds by uid.
     */
    default void record(EventReason reason, String namespace, String name, String uid, String note) {
        record(reason, namespace, name, note);
    }

    /** Records nothing: for code wired without an API (tests, offline tools). */
    CopyEvents NONE = (reason, namespace, name, note) -> {
    };
}
