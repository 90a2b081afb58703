package io.pullsecretinjector.patch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the operations that add names to {@code spec.imagePullSecrets}: the whole array when the
 * Pod has none, one append per new name otherwise, and nothing when every name is already there,
 * so a reinvoked webhook leaves the Pod alone.
 */
public final class ImagePullSecretsPatch {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ImagePullSecretsPatch() {
    }

    /**
     * @param existing the names already in the Pod's {@code spec.imagePullSecrets}, in order
     * @param wanted   the names the Pod must reference
     * @return the operations, empty when nothing changes
     */
    public static List<PatchOperation> operations(List<String> existing, List<String> wanted) {
        // lists of a few names: a scan is cheaper than a set, and runs on every review
        List<String> toAdd = new ArrayList<>(wanted.size());
        for (String name : wanted) {
            if (!existing.contains(name) && !toAdd.contains(name)) {
                toAdd.add(name);
            }
        }
        List<PatchOperation> ops = new ArrayList<>(toAdd.size());
        if (toAdd.isEmpty()) {
            return ops;
        }
        if (existing.isEmpty()) {
            ArrayNode all = NODES.arrayNode(toAdd.size());
            for (String name : toAdd) {
                all.add(reference(name));
            }
            ops.add(PatchOperation.add("/spec/imagePullSecrets", all));
            return ops;
        }
        for (String name : toAdd) {
            ops.add(PatchOperation.add("/spec/imagePullSecrets/-", reference(name)));
        }
        return ops;
    }

    private static ObjectNode reference(String name) {
        return NODES.objectNode().put("name", name);
    }
}
