package io.pullsecretinjector.patch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The RFC 6902 document of a list of operations, as the webhook sends it (base64-decoded) and as
 * {@code review} prints it: one writer for both, so they cannot differ.
 */
public final class PatchDocument {

    private static final JsonFactory JSON = new JsonFactory();
    private static final SerializableString OP = new SerializedString("op");
    private static final SerializableString PATH = new SerializedString("path");
    private static final SerializableString VALUE = new SerializedString("value");

    private PatchDocument() {
    }

    /** The JSON Patch document of {@code ops}, as UTF-8 JSON. */
    public static byte[] bytes(List<PatchOperation> ops) {
        try {
            return write(ops);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    private static byte[] write(List<PatchOperation> ops) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartArray();
            for (PatchOperation op : ops) {
                g.writeStartObject();
                g.writeFieldName(OP);
                g.writeString(op.op());
                g.writeFieldName(PATH);
                g.writeString(op.path());
                if (op.value() != null) {
                    g.writeFieldName(VALUE);
                    write(g, op.value());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        return out.toByteArray();
    }

    /**
     * Writes a patch value. Not {@code writeTree}: that goes through an {@code ObjectMapper}, which
     * sets up a serializer provider for every value; a patch value is a small tree of objects,
     * arrays and strings, written here directly.
     */
    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    g.writeFieldName(field.getKey());
                    write(g, field.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : node) {
                    write(g, element);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            // a number's own text (int, long, big or decimal), as the tree would write it
            case NUMBER -> g.writeNumber(node.asText());
            case NULL -> g.writeNull();
            // binary, POJO and missing nodes are never built into a patch
            default -> throw new IllegalArgumentException("a patch value cannot hold a " + node.getNodeType() + " node");
        }
    }
}
