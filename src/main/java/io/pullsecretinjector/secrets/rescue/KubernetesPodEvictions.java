package io.pullsecretinjector.secrets.rescue;

import io.fabric8.kubernetes.api.model.DeleteOptionsBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** {@link PodEvictions} over the fabric8 client: {@code POST /api/v1/namespaces/{ns}/pods/{name}/eviction}. */
final class KubernetesPodEvictions implements PodEvictions {

    private final KubernetesClient client;

    KubernetesPodEvictions(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Result evict(String namespace, String name, String uid, String resourceVersion) {
        Eviction eviction = new EvictionBuilder()
                .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withDeleteOptions(new DeleteOptionsBuilder().withNewPreconditions().withUid(uid).withResourceVersion(resourceVersion)
                        .endPreconditions().build())
                .build();
        String what = "pod " + namespace + "/" + name;
        try {
            // fabric8 answers false for a 429, and throws for every other refusal
            return client.pods().inNamespace(namespace).withName(name).evict(eviction)
                    ? new Result(Outcome.EVICTED, null)
                    : new Result(Outcome.REFUSED, "the API server refused to evict " + what + " now (429): a PodDisruptionBudget does"
                    + " not allow it, or the API server is throttling the injector");
        } catch (KubernetesClientException e) {
            return switch (e.getCode()) {
                case 404 -> new Result(Outcome.GONE, null);
                case 409 -> new Result(Outcome.CHANGED, null);
                case 401 -> new Result(Outcome.FAILED, "the Kubernetes API refused the injector's credentials (401) on evicting " + what
                        + "; check its ServiceAccount token");
                case 403 -> new Result(Outcome.FAILED, "the injector may not evict " + what + " (403 Forbidden); grant its ServiceAccount"
                        + " 'create' on pods/eviction (the Helm chart does when rescue.enabled is true)");
                default -> new Result(Outcome.FAILED, e.getCode() > 0
                        ? "the Kubernetes API answered " + e.getCode() + " on evicting " + what + ": " + firstLine(e)
                        : "could not reach the Kubernetes API to evict " + what + " (" + e.getClass().getSimpleName() + ")");
            };
        } catch (RuntimeException e) {
            return new Result(Outcome.FAILED, "could not reach the Kubernetes API to evict " + what + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String firstLine(KubernetesClientException e) {
        String m = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
