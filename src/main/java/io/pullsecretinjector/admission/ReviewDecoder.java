package io.pullsecretinjector.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.pullsecretinjector.policy.JsonValues;
import io.pullsecretinjector.policy.PodFacts;
import java.io.IOException;
import java.util.Set;

/**
 * Checks the AdmissionReview envelope and reads the request out of it, streaming: only the fields
 * the injector reads are kept (the Pod as {@link PodFacts}) and the rest is skipped, because a
 * tree of the whole review costs more than everything else the hot path does with it. The whole
 * body is still read, so JSON that is not well formed anywhere in it is refused.
 */
public final class ReviewDecoder {

    /** The review versions the API server may send; the answer uses the same one. */
    public static final Set<String> API_VERSIONS = Set.of("admission.k8s.io/v1", "admission.k8s.io/v1beta1");

    private static final JsonFactory JSON = new JsonFactory();

    private ReviewDecoder() {
    }

    /**
     * @throws com.fasterxml.jackson.core.JsonProcessingException when the body is not well-formed JSON
     * @throws BadReviewException with a message saying what was wrong, when the body is not an AdmissionReview
     */
    public static ReviewRequest decode(byte[] body) throws IOException {
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                // read on, so a broken document is reported as broken rather than as the wrong shape
                p.skipChildren();
                throw new BadReviewException(null, "the body is not a JSON object; send an admission.k8s.io/v1 AdmissionReview");
            }
            Envelope review = new Envelope();
            JsonValues.fields(p, (field, v) -> {
                switch (field) {
                    case "apiVersion" -> review.apiVersion = JsonValues.text(v);
                    case "kind" -> review.kind = JsonValues.text(v);
                    case "request" -> review.request = v.currentToken() == JsonToken.START_OBJECT ? Request.read(v) : null;
                    default -> {
                    }
                }
            });
            return review.check();
        }
    }

    /** The top level, as read so far; a field seen twice counts as its last value, as in a tree. */
    private static final class Envelope {
        String apiVersion = "";
        String kind = "";
        Request request;

        ReviewRequest check() {
            String knownUid = request == null ? null : request.uid;
            if (!"AdmissionReview".equals(kind)) {
                throw new BadReviewException(knownUid, "kind is \"" + kind + "\"; send an AdmissionReview");
            }
            if (!API_VERSIONS.contains(apiVersion)) {
                throw new BadReviewException(knownUid, "apiVersion \"" + apiVersion + "\" is not supported; use admission.k8s.io/v1 or admission.k8s.io/v1beta1");
            }
            if (request == null) {
                throw new BadReviewException(null, "the AdmissionReview has no request; the API server always sends one");
            }
            if (request.uid == null || request.uid.isEmpty()) {
                throw new BadReviewException(null, "request.uid is missing; the answer must echo it");
            }
            Request r = request;
            return new ReviewRequest(apiVersion, r.uid, r.group, r.kind, r.resource, r.subResource, r.operation, r.namespace, r.dryRun,
                    r.username, r.object);
        }
    }

    /** {@code request}, as read so far. */
    private static final class Request {
        String uid;
        String group = "";
        String kind = "";
        String resource = "";
        String subResource = "";
        String operation = "";
        String namespace = "";
        boolean dryRun;
        String username = "";
        PodFacts object;

        static Request read(JsonParser p) throws IOException {
            Request r = new Request();
            JsonValues.fields(p, (field, v) -> {
                switch (field) {
                    case "uid" -> r.uid = JsonValues.string(v);
                    case "kind" -> r.readKind(v);
                    case "resource" -> r.resource = JsonValues.field(v, "resource");
                    case "subResource" -> r.subResource = JsonValues.text(v);
                    case "operation" -> r.operation = JsonValues.text(v);
                    case "namespace" -> r.namespace = JsonValues.text(v);
                    case "dryRun" -> r.dryRun = JsonValues.bool(v);
                    case "userInfo" -> r.username = JsonValues.field(v, "username");
                    case "object" -> r.object = v.currentToken() == JsonToken.START_OBJECT ? PodFacts.read(v) : null;
                    default -> {
                    }
                }
            });
            return r;
        }

        void readKind(JsonParser p) throws IOException {
            group = "";
            kind = "";
            JsonValues.fields(p, (field, v) -> {
                switch (field) {
                    case "group" -> group = JsonValues.text(v);
                    case "kind" -> kind = JsonValues.text(v);
                    default -> {
                    }
                }
            });
        }
    }
}
