package io.pullsecretinjector.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Test helpers for recorded AdmissionReview fixtures and the answers to them. */
public final class Reviews {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Reviews() {
    }

    /** A fixture from src/test/resources/admission/, e.g. {@code pod-create-dry-run}. */
    public static ObjectNode fixture(String name) {
        try (InputStream in = Reviews.class.getResourceAsStream("/admission/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture admission/" + name + ".json");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture moved to another namespace (request and object), so tests do not share copies. */
    public static ObjectNode inNamespace(ObjectNode review, String namespace) {
        ObjectNode copy = review.deepCopy();
        ObjectNode request = (ObjectNode) copy.get("request");
        request.put("namespace", namespace);
        JsonNode meta = request.path("object").path("metadata");
        if (meta.isObject()) {
            ((ObjectNode) meta).put("namespace", namespace);
        }
        return copy;
    }

    /** The fixture with a new uid. */
    public static ObjectNode withUid(ObjectNode review, String uid) {
        ObjectNode copy = review.deepCopy();
        ((ObjectNode) copy.get("request")).put("uid", uid);
        return copy;
    }

    /**
     * The handler's answer as the API server reads it: the {@code response} of the AdmissionReview
     * {@link AdmissionResponses#review} writes (done at once when the handler answered at once).
     */
    public static CompletableFuture<JsonNode> answer(CompletionStage<AdmissionResponse> handled) {
        return handled.toCompletableFuture().thenApply(Reviews::json);
    }

    /** The {@code response} of the AdmissionReview written for {@code response}. */
    public static JsonNode json(AdmissionResponse response) {
        try {
            return JSON.readTree(AdmissionResponses.review("admission.k8s.io/v1", response)).get("response");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decoded JSON Patch of a response, or null when it has none. */
    public static JsonNode patch(JsonNode response) {
        if (!response.has("patch")) {
            return null;
        }
        assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
        try {
            return JSON.readTree(Base64.getDecoder().decode(response.get("patch").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request's object with the response's patch applied by a real RFC 6902 implementation. */
    public static JsonNode patchedObject(JsonNode review, JsonNode response) {
        JsonNode object = review.path("request").path("object");
        JsonNode patch = patch(response);
        return patch == null ? object : JsonPatch.apply(patch, object);
    }

    /** The names in the Pod's spec.imagePullSecrets, in order. */
    public static List<String> pullSecretNames(JsonNode pod) {
        List<String> names = new ArrayList<>();
        pod.path("spec").path("imagePullSecrets").forEach(ref -> names.add(ref.path("name").asText()));
        return names;
    }

    /** The review with the response's patch applied, as the API server would send it on reinvocation. */
    public static ObjectNode reinvoked(ObjectNode review, JsonNode response) {
        ObjectNode copy = review.deepCopy();
        ((ObjectNode) copy.get("request")).set("object", patchedObject(review, response));
        return copy;
    }

    public static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
