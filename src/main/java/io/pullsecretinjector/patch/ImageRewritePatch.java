package io.pullsecretinjector.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PodFacts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the operations that move images to a mirror: one {@code replace} per rewritten container
 * image or image volume reference, and the original images recorded in the annotation
 * {@value InjectionPolicy#ORIGINAL_IMAGES_ANNOTATION} (merged with what an earlier pass recorded):
 * a JSON object keyed by container name, and by {@code volumes/<name>} for an image volume.
 */
public final class ImageRewritePatch {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ImageRewritePatch() {
    }

    /** The operations for {@code rewrites} on {@code pod}; empty when there are none. */
    public static List<PatchOperation> operations(PodFacts pod, List<Decision.Rewrite> rewrites) {
        List<PatchOperation> ops = new ArrayList<>(rewrites.size() + 1);
        if (rewrites.isEmpty()) {
            return ops;
        }
        ObjectNode originals = recorded(pod.annotations().get(InjectionPolicy.ORIGINAL_IMAGES_ANNOTATION));
        for (Decision.Rewrite r : rewrites) {
            PodFacts.ContainerImage c = r.container();
            ops.add(PatchOperation.replace(c.pointer(), NODES.textNode(r.image())));
            originals.put(recordKey(c), c.image());
        }
        String value = originals.toString();
        if (pod.annotations().isEmpty()) {
            ops.add(PatchOperation.add("/metadata/annotations", NODES.objectNode().put(InjectionPolicy.ORIGINAL_IMAGES_ANNOTATION, value)));
        } else {
            ops.add(PatchOperation.add("/metadata/annotations/" + PatchOperation.escape(InjectionPolicy.ORIGINAL_IMAGES_ANNOTATION), NODES.textNode(value)));
        }
        return ops;
    }

    /**
     * The key an original image is recorded under. Container and volume names are both DNS labels,
     * so a volume may share a container's name, but no name can contain a slash: {@code volumes/data}
     * is never a container's key.
     */
    static String recordKey(PodFacts.ContainerImage c) {
        return c.isVolume() ? PodFacts.VOLUMES + "/" + c.container() : c.container();
    }

    private static ObjectNode recorded(String existing) {
        if (existing != null) {
            try {
                JsonNode node = JSON.readTree(existing);
                if (node != null && node.isObject()) {
                    return (ObjectNode) node;
                }
            } catch (IOException e) {
                // not ours or damaged: start a fresh record
            }
        }
        return NODES.objectNode();
    }
}
