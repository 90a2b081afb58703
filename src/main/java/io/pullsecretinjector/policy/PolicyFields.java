package io.pullsecretinjector.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads typed fields off a policy's YAML nodes for {@link PolicyParser}: each wrong type, empty or
 * unknown field becomes an error with its field path and what to write instead, and reading goes
 * on, so every error is reported at once.
 */
final class PolicyFields {

    private PolicyFields() {
    }

    /** A string of a list, with its field path. */
    record Indexed(String path, String value) {
    }

    static List<Indexed> stringList(JsonNode node, String field, String prefix, Errors errors) {
        JsonNode list = node.get(field);
        List<Indexed> out = new ArrayList<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            errors.add(prefix + field, "must be a list of strings, not a " + typeName(list) + " (write [\"a\", \"b\"] or one \"- a\" line per entry)");
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            String path = prefix + field + "[" + i + "]";
            if (!v.isTextual()) {
                errors.add(path, "must be a string, not a " + typeName(v) + "; quote it");
            } else if (v.asText().isBlank()) {
                errors.add(path, "must not be empty");
            } else {
                out.add(new Indexed(path, v.asText().trim()));
            }
        }
        return out;
    }

    static void unknownFields(JsonNode node, String prefix, Set<String> allowed, Errors errors) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                errors.add(prefix + name, "is not a known field; the fields here are " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    static String requiredString(JsonNode node, String field, String prefix, Errors errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            errors.add(prefix + field, "is required");
            return null;
        }
        return string(v, prefix + field, errors);
    }

    static String optionalString(JsonNode node, String field, String prefix, Errors errors) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : string(v, prefix + field, errors);
    }

    /** An optional true/false field, false when absent. A quoted "true" is refused rather than guessed (YAML 1.1's bare yes/no are booleans). */
    static boolean optionalBoolean(JsonNode node, String field, String prefix, Errors errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            errors.add(prefix + field, "must be true or false, not a " + typeName(v) + (v.isTextual() ? " (remove the quotes)" : ""));
            return false;
        }
        return v.booleanValue();
    }

    static String string(JsonNode v, String path, Errors errors) {
        if (!v.isTextual()) {
            errors.add(path, "must be a string, not a " + typeName(v) + "; quote it");
            return null;
        }
        if (v.asText().isBlank()) {
            errors.add(path, "must not be empty");
            return null;
        }
        return v.asText().trim();
    }

    static void checkName(String value, String path, Pattern pattern, int max, String what, Errors errors) {
        if (value != null && (value.length() > max || !pattern.matcher(value).matches())) {
            errors.add(path, "\"" + value + "\" is not " + what + ": use lower-case letters, digits and '-', starting and ending with a letter or digit");
        }
    }

    static String typeName(JsonNode node) {
        if (node.isObject()) {
            return "mapping";
        }
        if (node.isArray()) {
            return "list";
        }
        if (node.isBoolean()) {
            return "boolean";
        }
        if (node.isNumber()) {
            return "number";
        }
        return node.isTextual() ? "string" : node.getNodeType().name().toLowerCase();
    }

    /** Every error found, with its path; the parser reports them all at once. */
    static final class Errors {
        final List<PolicyError> list = new ArrayList<>();

        void add(String path, String message) {
            list.add(new PolicyError(path, message));
        }
    }
}
