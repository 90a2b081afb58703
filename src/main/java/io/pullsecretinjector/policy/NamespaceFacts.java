package io.pullsecretinjector.policy;

import java.util.Map;

/**
 * What the policy may know of a namespace: its name and the labels of its Namespace object. Never
 * the labels a Pod or a review claims: only the Namespace object is trusted. Pure.
 *
 * @param name   the namespace name
 * @param labels the Namespace object's labels, or null when they are not known (not read, or the read failed)
 */
public record NamespaceFacts(String name, Map<String, String> labels) {

    public NamespaceFacts {
        labels = labels == null ? null : Map.copyOf(labels);
    }

    /** A namespace whose labels are known. */
    public static NamespaceFacts of(String name, Map<String, String> labels) {
        return new NamespaceFacts(name, labels == null ? Map.of() : labels);
    }

    /** A namespace whose labels are not known: a credential with a namespaceSelector does not serve it. */
    public static NamespaceFacts unknownLabels(String name) {
        return new NamespaceFacts(name, null);
    }

    /** True when the labels were read. */
    public boolean labelsKnown() {
        return labels != null;
    }
}
