package io.pullsecretinjector.admission;

import io.pullsecretinjector.policy.PodFacts;

/**
 * The parts of an AdmissionReview request the injector reads.
 *
 * @param apiVersion the review's apiVersion, echoed in the answer
 * @param uid        request.uid, echoed in the answer
 * @param group      request.kind.group ("" for core)
 * @param kind       request.kind.kind
 * @param resource   request.resource.resource
 * @param subResource request.subResource, or ""
 * @param operation  request.operation
 * @param namespace  request.namespace, the namespace the object is created in
 * @param dryRun     request.dryRun
 * @param username   request.userInfo.username, for logs
 * @param object     request.object read as a Pod, or null when it is absent or not a JSON object
 */
public record ReviewRequest(String apiVersion, String uid, String group, String kind, String resource, String subResource,
                            String operation, String namespace, boolean dryRun, String username, PodFacts object) {

    /** True for the one case the injector mutates: CREATE of a core/v1 Pod (not a subresource). */
    public boolean isPodCreate() {
        return "CREATE".equals(operation) && "".equals(group) && "Pod".equals(kind)
                && "pods".equals(resource) && subResource.isEmpty();
    }
}
