package io.pullsecretinjector.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullsecretinjector.patch.PatchOperation;
import java.util.Base64;
import java.util.List;

/**
 * The one place AdmissionReview answers are built. Every answer takes the request uid first;
 * {@code patchType} is set only when there is a patch.
 */
public final class AdmissionResponses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdmissionResponses() {
    }

    /** Admit unchanged. */
    public static ObjectNode allowed(String uid) {
        return allowed(uid, List.of());
    }

    /** Admit unchanged, telling the user something (kubectl prints warnings). */
    public static ObjectNode allowed(String uid, List<String> warnings) {
        ObjectNode r = JSON.createObjectNode().put("uid", uid).put("allowed", true);
        addWarnings(r, warnings);
        return r;
    }

    /** Admit with a patch; with no operations this is {@link #allowed(String, List)}. */
    public static ObjectNode patched(String uid, List<PatchOperation> ops, List<String> warnings) {
        ObjectNode r = allowed(uid, warnings);
        if (!ops.isEmpty()) {
            ArrayNode patch = JSON.createArrayNode();
            for (PatchOperation op : ops) {
                ObjectNode o = patch.addObject().put("op", op.op()).put("path", op.path());
                if (op.value() != null) {
                    o.set("value", op.value());
                }
            }
            r.put("patchType", "JSONPatch");
            r.put("patch", Base64.getEncoder().encodeToString(bytes(patch)));
        }
        return r;
    }

    /** Deny with an HTTP-like code and a message (an explicit denial, whatever the webhook's failurePolicy). */
    public static ObjectNode errored(String uid, int code, String message) {
        ObjectNode r = JSON.createObjectNode().put("uid", uid).put("allowed", false);
        r.putObject("status").put("code", code).put("message", message);
        return r;
    }

    /** Wraps a response in the AdmissionReview envelope of the request's apiVersion. */
    public static ObjectNode review(String apiVersion, ObjectNode response) {
        ObjectNode review = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", "AdmissionReview");
        review.set("response", response);
        return review;
    }

    /** The JSON bytes of an answer, or of the patch inside one. */
    static byte[] bytes(JsonNode tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    private static void addWarnings(ObjectNode r, List<String> warnings) {
        if (!warnings.isEmpty()) {
            ArrayNode w = r.putArray("warnings");
            warnings.forEach(w::add);
        }
    }
}
