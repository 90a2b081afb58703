package io.pullsecretinjector.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads values off a streaming {@link JsonParser} with the same leniency as Jackson's tree
 * ({@code path(...).asText("")}): a scalar reads as its text, null or a container as empty, and a
 * container is skipped whole so the caller stays in step. Shared by the review decoder and
 * {@link PodFacts}, which read reviews without building a tree.
 */
public final class JsonValues {

    private JsonValues() {
    }

    /** The current value as text: a string or other scalar as written, {@code ""} for null or a container (skipped). */
    public static String text(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return "";
        }
        return t == JsonToken.VALUE_NULL ? "" : p.getText();
    }

    /** The current value when it is a JSON string, else null (anything else is skipped). */
    public static String string(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    /** The current value as a boolean the way the tree reads one ({@code true}, {@code "true"}, a non-zero integer), else false. */
    public static boolean bool(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return false;
        }
        return p.getValueAsBoolean(false);
    }

    /** One field of the object value the parser is on, as {@link #text}; {@code ""} when absent or not an object. */
    public static String field(JsonParser p, String name) throws IOException {
        String[] value = {""};
        fields(p, (field, v) -> {
            if (name.equals(field)) {
                value[0] = text(v);
            }
        });
        return value[0];
    }

    /**
     * Reads the fields of the object value the parser is on: calls {@code field} with the parser on
     * each field's value; a value the callback leaves unread is skipped. A value that is not an
     * object is skipped and reads as no fields.
     */
    public static void fields(JsonParser p, FieldReader field) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            field.read(name, p);
            skipUnread(p);
        }
    }

    /**
     * Reads the elements of the array value the parser is on, with their index; a value that is
     * not an array is skipped and reads as no elements.
     */
    public static void elements(JsonParser p, ElementReader element) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            element.read(i++, p);
            skipUnread(p);
        }
    }

    private static void skipUnread(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
        }
    }

    /** Reads one field's value, or leaves it unread (still on its first token). */
    @FunctionalInterface
    public interface FieldReader {
        void read(String name, JsonParser p) throws IOException;
    }

    /** Reads one array element, or leaves it unread (still on its first token). */
    @FunctionalInterface
    public interface ElementReader {
        void read(int index, JsonParser p) throws IOException;
    }
}
