package io.pullsecretinjector.admission;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullsecretinjector.patch.PatchOperation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The one place AdmissionReview answers are built and written. Every answer takes the request uid
 * first; {@code patchType} is set only when there is a patch. Answers are written straight to
 * bytes with a streaming generator: building a tree first, then serialising it, was a measurable
 * share of a warm-path review (issue 6).
 */
public final class AdmissionResponses {

    /** The codec of the generators: patch values are Jackson trees. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdmissionResponses() {
    }

    /** Admit unchanged. */
    public static AdmissionResponse allowed(String uid) {
        return allowed(uid, List.of());
    }

    /** Admit unchanged, telling the user something (kubectl prints warnings). */
    public static AdmissionResponse allowed(String uid, List<String> warnings) {
        return new AdmissionResponse(uid, true, warnings, List.of(), null);
    }

    /** Admit with a patch; with no operations this is {@link #allowed(String, List)}. */
    public static AdmissionResponse patched(String uid, List<PatchOperation> ops, List<String> warnings) {
        return new AdmissionResponse(uid, true, warnings, ops, null);
    }

    /** Deny with an HTTP-like code and a message (an explicit denial, whatever the webhook's failurePolicy). */
    public static AdmissionResponse errored(String uid, int code, String message) {
        return new AdmissionResponse(uid, false, List.of(), List.of(), new AdmissionResponse.Status(code, message));
    }

    /** The AdmissionReview of the request's apiVersion carrying {@code response}, as JSON bytes. */
    public static byte[] review(String apiVersion, AdmissionResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("apiVersion", apiVersion);
            g.writeStringField("kind", "AdmissionReview");
            g.writeObjectFieldStart("response");
            g.writeStringField("uid", response.uid());
            g.writeBooleanField("allowed", response.allowed());
            if (!response.warnings().isEmpty()) {
                g.writeArrayFieldStart("warnings");
                for (String w : response.warnings()) {
                    g.writeString(w);
                }
                g.writeEndArray();
            }
            if (response.status() != null) {
                g.writeObjectFieldStart("status");
                g.writeNumberField("code", response.status().code());
                g.writeStringField("message", response.status().message());
                g.writeEndObject();
            }
            if (!response.patch().isEmpty()) {
                g.writeStringField("patchType", "JSONPatch");
                // base64 with padding and no line breaks, as the API server decodes a []byte field
                g.writeBinaryField("patch", patch(response.patch()));
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** The JSON Patch document of {@code ops}. */
    static byte[] patch(List<PatchOperation> ops) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (PatchOperation op : ops) {
                g.writeStartObject();
                g.writeStringField("op", op.op());
                g.writeStringField("path", op.path());
                if (op.value() != null) {
                    g.writeFieldName("value");
                    g.writeTree(op.value());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toByteArray();
    }
}
