package io.pullsecretinjector.patch;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One RFC 6902 operation.
 *
 * @param op    the operation ({@code add}, {@code replace}, ...)
 * @param path  the JSON Pointer it applies to
 * @param value the value, for operations that take one
 */
public record PatchOperation(String op, String path, JsonNode value) {

    public static PatchOperation add(String path, JsonNode value) {
        return new PatchOperation("add", path, value);
    }

    public static PatchOperation replace(String path, JsonNode value) {
        return new PatchOperation("replace", path, value);
    }

    /** Escapes one JSON Pointer segment (RFC 6901): {@code ~} and {@code /} in annotation keys. */
    public static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
