package io.pullsecretinjector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The Pod as {@code demo} shows it after the webhook's patch. */
final class PatchedPod {

    private PatchedPod() {
    }

    /**
     * Applies the operations the webhook sends: {@code add} (a whole array, or one item appended
     * with {@code -}) and {@code replace} (an image moved to a mirror). Anything else is refused, as
     * the webhook never sends it.
     */
    static JsonNode apply(ObjectNode pod, JsonNode patch) {
        for (JsonNode op : patch) {
            String kind = op.path("op").asText();
            if (!"add".equals(kind) && !"replace".equals(kind)) {
                throw new IllegalArgumentException("unexpected patch operation " + op + "; the injector only adds and replaces");
            }
            String[] parts = op.path("path").asText().substring(1).split("/", -1);
            JsonNode parent = pod;
            for (int i = 0; i < parts.length - 1; i++) {
                String part = unescape(parts[i]);
                parent = parent.isObject() && !parent.has(part) && "add".equals(kind) ? ((ObjectNode) parent).putObject(part)
                        : parent.isArray() ? parent.get(Integer.parseInt(part)) : parent.get(part);
                if (parent == null) {
                    throw new IllegalArgumentException("patch operation " + op + " names a path the Pod does not have");
                }
            }
            String last = unescape(parts[parts.length - 1]);
            if (parent instanceof ArrayNode array) {
                if ("-".equals(last)) {
                    array.add(op.get("value"));
                } else if ("add".equals(kind)) {
                    array.insert(Integer.parseInt(last), op.get("value"));
                } else {
                    array.set(Integer.parseInt(last), op.get("value"));
                }
            } else {
                ((ObjectNode) parent).set(last, op.get("value"));
            }
        }
        return pod;
    }

    private static String unescape(String segment) {
        return segment.replace("~1", "/").replace("~0", "~");
    }
}
