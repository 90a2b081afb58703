package io.pullsecretinjector.secrets;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * The three Secret calls the admission path makes, and nothing more: a narrow seam so tests can
 * prove which paths make no call at all, and RBAC can stay at get/create/update by name.
 * Failures are thrown as {@link io.fabric8.kubernetes.client.KubernetesClientException}.
 */
public interface SecretApi {

    /** The Secret, or null when it does not exist. */
    Secret get(String namespace, String name);

    /** Creates the Secret; a 409 means one of that name appeared meanwhile. */
    Secret create(Secret secret);

    /** Replaces the Secret at its resourceVersion; a 409 means it changed meanwhile. */
    Secret update(Secret secret);
}
