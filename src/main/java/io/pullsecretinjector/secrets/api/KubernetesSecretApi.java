package io.pullsecretinjector.secrets.api;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;

/** {@link SecretApi} over the fabric8 client. */
@ApplicationScoped
public class KubernetesSecretApi implements SecretApi {

    private final KubernetesClient client;

    public KubernetesSecretApi(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Secret get(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    @Override
    public Secret create(Secret secret) {
        return client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).create();
    }

    /** Replaces the Secret at the resourceVersion it carries (never null here: a PUT that the API server refuses with 409 when it changed). */
    @Override
    public Secret update(Secret secret) {
        return client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).update();
    }

    @Override
    public boolean delete(Secret secret) {
        // lockResourceVersion sends preconditions, so only the object we judged is deleted
        return !client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret)
                .lockResourceVersion(secret.getMetadata().getResourceVersion()).delete().isEmpty();
    }
}
