package io.pullsecretinjector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the Pod template of an object is. The built-in workloads keep it at a known path; any
 * other object (a custom resource such as an Argo Rollout or an OpenKruise CloneSet) is looked
 * into at the paths the built-in ones use, and what is there counts as a Pod template when its
 * {@code spec} has a {@code containers} list, as every Pod spec must.
 */
final class PodTemplates {

    /** Where each built-in kind keeps its Pod template. */
    static final Map<String, String> KNOWN = Map.of(
            "Deployment", "spec.template",
            "StatefulSet", "spec.template",
            "DaemonSet", "spec.template",
            "ReplicaSet", "spec.template",
            "ReplicationController", "spec.template",
            "Job", "spec.template",
            "CronJob", "spec.jobTemplate.spec.template",
            "PodTemplate", "template");

    /** The paths looked into for any other kind, in this order. */
    static final List<String> USUAL_PATHS = List.of("spec.template", "spec.jobTemplate.spec.template");

    private PodTemplates() {
    }

    /** The node at a dotted path, or a missing node. */
    static JsonNode at(JsonNode doc, String path) {
        JsonNode node = doc;
        for (String part : path.split("\\.")) {
            node = node.path(part);
        }
        return node;
    }

    /** The usual paths of {@code doc} that hold a Pod template (its spec has a containers list). */
    static List<String> foundByShape(JsonNode doc) {
        List<String> found = new ArrayList<>();
        for (String path : USUAL_PATHS) {
            if (at(doc, path).path("spec").path("containers").isArray()) {
                found.add(path);
            }
        }
        return found;
    }
}
