package io.pullsecretinjector.secrets.api;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * The Secret calls the injector makes, and nothing more: a narrow seam so tests can prove which
 * paths make no call at all, and RBAC can stay at get/create/update/delete by name. Admission uses
 * get/create/update; only the sync loop deletes (prune).
 * Failures are thrown as {@link io.fabric8.kubernetes.client.KubernetesClientException}.
 */
public interface SecretApi {

    /** The Secret, or null when it does not exist. */
    Secret get(String namespace, String name);

    /** Creates the Secret; a 409 means one of that name appeared meanwhile. */
    Secret create(Secret secret);

    /** Replaces the Secret at its resourceVersion; a 409 means it changed meanwhile. */
    Secret update(Secret secret);

    /**
     * Deletes the Secret only if it is still at the resourceVersion given (a precondition), so a
     * Secret replaced or changed meanwhile is never deleted: a 409 says so. Returns false when it
     * was already gone.
     */
    default boolean delete(Secret secret) {
        throw new UnsupportedOperationException("this SecretApi does not delete");
    }
}
