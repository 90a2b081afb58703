package io.pullsecretinjector.secrets.api;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * {@link SecretApi} over the fabric8 client. Tells a listener about every Secret it created or
 * updated, as the API server returned it, so the sync loop knows the copies admission wrote without
 * reading them, and admission knows the copies the sync loop wrote.
 */
@ApplicationScoped
public class KubernetesSecretApi implements SecretApi {

    private final KubernetesClient client;
    private final List<Consumer<Secret>> written = new CopyOnWriteArrayList<>();

    public KubernetesSecretApi(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Secret get(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
    }

    /** Tells {@code listener} each Secret this API creates or updates from now on (the API server's answer). */
    public void onWritten(Consumer<Secret> listener) {
        written.add(listener);
    }

    @Override
    public Secret create(Secret secret) {
        Secret s = client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).create();
        written.forEach(l -> l.accept(s));
        return s;
    }

    /** Replaces the Secret at the resourceVersion it carries (never null here: a PUT that the API server refuses with 409 when it changed). */
    @Override
    public Secret update(Secret secret) {
        Secret s = client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret).update();
        written.forEach(l -> l.accept(s));
        return s;
    }

    @Override
    public boolean delete(Secret secret) {
        // lockResourceVersion sends preconditions, so only the object we judged is deleted
        return !client.secrets().inNamespace(secret.getMetadata().getNamespace()).resource(secret)
                .lockResourceVersion(secret.getMetadata().getResourceVersion()).delete().isEmpty();
    }
}
