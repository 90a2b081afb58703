package io.pullsecretinjector.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/** Checks the AdmissionReview envelope and reads the request out of it. */
public final class ReviewDecoder {

    /** The review versions the API server may send; the answer uses the same one. */
    public static final Set<String> API_VERSIONS = Set.of("admission.k8s.io/v1", "admission.k8s.io/v1beta1");

    private ReviewDecoder() {
    }

    /**
     * @throws BadReviewException with a message saying what was wrong, when the body is not an AdmissionReview
     */
    public static ReviewRequest decode(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadReviewException(null, "the body is not a JSON object; send an admission.k8s.io/v1 AdmissionReview");
        }
        String apiVersion = body.path("apiVersion").asText("");
        String knownUid = body.path("request").path("uid").isTextual() ? body.path("request").path("uid").asText() : null;
        if (!"AdmissionReview".equals(body.path("kind").asText(""))) {
            throw new BadReviewException(knownUid, "kind is \"" + body.path("kind").asText("") + "\"; send an AdmissionReview");
        }
        if (!API_VERSIONS.contains(apiVersion)) {
            throw new BadReviewException(knownUid, "apiVersion \"" + apiVersion + "\" is not supported; use admission.k8s.io/v1 or admission.k8s.io/v1beta1");
        }
        JsonNode request = body.get("request");
        if (request == null || !request.isObject()) {
            throw new BadReviewException(null, "the AdmissionReview has no request; the API server always sends one");
        }
        JsonNode uid = request.get("uid");
        if (uid == null || !uid.isTextual() || uid.asText().isEmpty()) {
            throw new BadReviewException(null, "request.uid is missing; the answer must echo it");
        }
        JsonNode kind = request.path("kind");
        return new ReviewRequest(
                apiVersion,
                uid.asText(),
                kind.path("group").asText(""),
                kind.path("kind").asText(""),
                request.path("resource").path("resource").asText(""),
                request.path("subResource").asText(""),
                request.path("operation").asText(""),
                request.path("namespace").asText(""),
                request.path("dryRun").asBoolean(false),
                request.path("userInfo").path("username").asText(""),
                request.path("object"));
    }
}
