package io.pullsecretinjector.secrets.watch;

import java.util.Map;

/**
 * The labels of Namespace objects, for the policy's {@code namespaceSelector}: from memory (the
 * namespace watch every replica keeps) or, for a namespace the watch has not delivered yet, one GET.
 * Only the Namespace object is read: labels a Pod or a review carries are never trusted.
 */
public interface NamespaceLabels {

    /** The labels as the watch last delivered them, or null when it has not delivered the namespace (yet). Makes no call. */
    Map<String, String> cached(String namespace);

    /**
     * Reads the Namespace (one GET). Returns its labels (empty when it has none), or null when it
     * does not exist; failures are thrown as {@link io.fabric8.kubernetes.client.KubernetesClientException}.
     */
    Map<String, String> read(String namespace);

    /** For code that runs without a cluster: nothing is known and nothing can be read. */
    NamespaceLabels NONE = new NamespaceLabels() {
        @Override
        public Map<String, String> cached(String namespace) {
            return null;
        }

        @Override
        public Map<String, String> read(String namespace) {
            throw new IllegalStateException("namespace labels cannot be read without a Kubernetes API");
        }
    };
}
