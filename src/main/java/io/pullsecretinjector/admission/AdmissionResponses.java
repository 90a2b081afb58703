package io.pullsecretinjector.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.pullsecretinjector.patch.PatchDocument;
import io.pullsecretinjector.patch.PatchOperation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/**
 * The one place AdmissionReview answers are built and written. Every answer takes the request uid
 * first; {@code patchType} is set only when there is a patch. Answers are written straight to
 * bytes with a streaming generator, field names encoded once: this runs on the event loop for
 * every review, where each allocation counts (bench/ has the measurements).
 */
public final class AdmissionResponses {

    private static final JsonFactory JSON = new JsonFactory();

    // names and constant values quoted and encoded once, not on every answer
    private static final SerializableString API_VERSION = new SerializedString("apiVersion");
    private static final SerializableString KIND = new SerializedString("kind");
    private static final SerializableString ADMISSION_REVIEW = new SerializedString("AdmissionReview");
    private static final SerializableString RESPONSE = new SerializedString("response");
    private static final SerializableString UID = new SerializedString("uid");
    private static final SerializableString ALLOWED = new SerializedString("allowed");
    private static final SerializableString WARNINGS = new SerializedString("warnings");
    private static final SerializableString STATUS = new SerializedString("status");
    private static final SerializableString CODE = new SerializedString("code");
    private static final SerializableString MESSAGE = new SerializedString("message");
    private static final SerializableString PATCH_TYPE = new SerializedString("patchType");
    private static final SerializableString JSON_PATCH = new SerializedString("JSONPatch");
    private static final SerializableString PATCH = new SerializedString("patch");

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
        try {
            // the patch is written before the answer's generator opens: of two generators open at once
            // on one thread only one reuses the thread's recycled 8 KB buffer, the other allocates anew
            byte[] patch = response.patch().isEmpty() ? null : PatchDocument.bytes(response.patch());
            ByteArrayBuilder out = new ByteArrayBuilder(512);
            try (JsonGenerator g = JSON.createGenerator(out)) {
                g.writeStartObject();
                g.writeFieldName(API_VERSION);
                g.writeString(apiVersion);
                g.writeFieldName(KIND);
                g.writeString(ADMISSION_REVIEW);
                g.writeFieldName(RESPONSE);
                g.writeStartObject();
                g.writeFieldName(UID);
                g.writeString(response.uid());
                g.writeFieldName(ALLOWED);
                g.writeBoolean(response.allowed());
                if (!response.warnings().isEmpty()) {
                    g.writeFieldName(WARNINGS);
                    g.writeStartArray();
                    for (String w : response.warnings()) {
                        g.writeString(w);
                    }
                    g.writeEndArray();
                }
                if (response.status() != null) {
                    g.writeFieldName(STATUS);
                    g.writeStartObject();
                    g.writeFieldName(CODE);
                    g.writeNumber(response.status().code());
                    g.writeFieldName(MESSAGE);
                    g.writeString(response.status().message());
                    g.writeEndObject();
                }
                if (patch != null) {
                    g.writeFieldName(PATCH_TYPE);
                    g.writeString(JSON_PATCH);
                    // base64 with padding and no line breaks, as the API server decodes a []byte field;
                    // its characters never need escaping, so they are written as they are
                    byte[] base64 = Base64.getEncoder().encode(patch);
                    g.writeFieldName(PATCH);
                    g.writeRawUTF8String(base64, 0, base64.length);
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }
}
