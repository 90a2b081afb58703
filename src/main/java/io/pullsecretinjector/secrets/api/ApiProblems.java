package io.pullsecretinjector.secrets.api;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Turns API failures into one sentence for a user: what failed and what to do next. Never includes Secret data. */
public final class ApiProblems {

    /** Who tries the call again, as the sentence ends. */
    public enum Retry {
        /** Admission: the next Pod that needs the object. */
        NEXT_POD("the next Pod will retry"),
        /** The sync loop: its next pass over the copy. */
        NEXT_PASS("the next pass retries");

        private final String sentence;

        Retry(String sentence) {
            this.sentence = sentence;
        }

        @Override
        public String toString() {
            return sentence;
        }
    }

    private ApiProblems() {
    }

    /**
     * @param e        what was thrown
     * @param verb     the RBAC verb of the call ({@code get}, {@code create}, {@code update})
     * @param what     the object, e.g. {@code secret registry-creds/regcred}
     * @param namespace the namespace the call was made in
     * @param retry    who tries again when the failure may pass
     */
    public static String describe(Throwable e, String verb, String what, String namespace, Retry retry) {
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof KubernetesClientException)) {
            cause = cause.getCause();
        }
        if (cause instanceof KubernetesClientException k) {
            int code = k.getCode();
            String status = k.getStatus() == null ? null : k.getStatus().getMessage();
            switch (code) {
                case 401:
                    return "the Kubernetes API refused the injector's credentials (401) on " + verb + " " + what
                            + "; check its ServiceAccount token";
                case 403:
                    if (status != null && status.contains("ValidatingAdmissionPolicy")) {
                        // RBAC allowed it; the chart's policy limiting the injector's Secret writes did not
                        return "the cluster's admission policy refused to let the injector " + verb + " " + what + " ("
                                + firstLine(status) + "); right after a helm upgrade that adds a credential this clears within"
                                + " seconds and the next Pod gets it, otherwise check that the chart's values list this copy name";
                    }
                    return "the injector may not " + verb + " " + what + " (403 Forbidden); grant its ServiceAccount '" + verb
                            + "' on secrets in namespace " + namespace + " (the Helm chart's RBAC does this for the policy's Secrets)";
                case 409:
                    return "another writer changed " + what + " at the same time (409); " + retry;
                case 422:
                    return "the Kubernetes API rejected " + verb + " " + what + " (422 Invalid): " + firstLine(status)
                            + "; if the source Secret changed type, delete the copy so it can be recreated";
                case 429:
                    return "the Kubernetes API is throttling the injector (429) on " + verb + " " + what + "; " + retry;
                default:
                    if (code >= 500) {
                        return "the Kubernetes API failed (" + code + ") on " + verb + " " + what + "; " + retry;
                    }
                    if (code > 0) {
                        return "the Kubernetes API answered " + code + " on " + verb + " " + what + "; " + retry;
                    }
            }
        }
        return "could not reach the Kubernetes API to " + verb + " " + what + " (" + cause.getClass().getSimpleName()
                + "); check the API server and the injector's network policy; " + retry;
    }

    /** Why the labels of a namespace could not be read (one GET of the Namespace), and what to do. */
    public static String namespaceLabels(Throwable e, String namespace) {
        if (e instanceof KubernetesClientException k && k.getCode() == 403) {
            return "the injector may not get namespace " + namespace + " (403 Forbidden) to read its labels; grant its ServiceAccount get, "
                    + "list and watch on namespaces (the Helm chart's ClusterRole does)";
        }
        return "the labels of namespace " + namespace + " could not be read: " + describe(e, "get", "namespace " + namespace, namespace, Retry.NEXT_POD);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no reason given";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
