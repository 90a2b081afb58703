package io.pullsecretinjector.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a {@code namespaceSelector} for {@link PolicyParser} with the API server's rules for label
 * selectors, so a selector the policy accepts is one {@code kubectl} would accept too: label keys
 * are a name of at most 63 characters with an optional DNS-subdomain prefix, values at most 63
 * characters, {@code In}/{@code NotIn} need values and {@code Exists}/{@code DoesNotExist} none.
 */
final class LabelSelectors {

    static final Set<String> SELECTOR_FIELDS = Set.of("matchLabels", "matchExpressions");
    static final Set<String> EXPRESSION_FIELDS = Set.of("key", "operator", "values");

    private static final Pattern LABEL_NAME = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private LabelSelectors() {
    }

    /** The selector at {@code prefix + field}; matches everything when absent; null after an error. */
    static LabelSelector read(JsonNode parent, String field, String prefix, PolicyFields.Errors errors) {
        String path = prefix + field;
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return LabelSelector.everything(path);
        }
        if (!node.isObject()) {
            errors.add(path, "must be a label selector (a mapping with matchLabels and/or matchExpressions), not a " + PolicyFields.typeName(node));
            return null;
        }
        int before = errors.list.size();
        PolicyFields.unknownFields(node, path + ".", SELECTOR_FIELDS, errors);
        List<LabelSelector.Requirement> requirements = new ArrayList<>();
        matchLabels(node.get("matchLabels"), path + ".matchLabels", requirements, errors);
        matchExpressions(node.get("matchExpressions"), path + ".matchExpressions", requirements, errors);
        return errors.list.size() == before ? new LabelSelector(path, requirements) : null;
    }

    private static void matchLabels(JsonNode node, String path, List<LabelSelector.Requirement> out, PolicyFields.Errors errors) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            errors.add(path, "must be a mapping of label keys to values, not a " + PolicyFields.typeName(node));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = path + "." + e.getKey();
            boolean keyOk = checkKey(e.getKey(), at, errors);
            JsonNode v = e.getValue();
            if (!v.isTextual()) {
                errors.add(at, "must be a string, not a " + PolicyFields.typeName(v) + "; quote it (label values are strings)");
            } else if (checkValue(v.asText(), at, errors) && keyOk) {
                out.add(new LabelSelector.Requirement(e.getKey(), LabelSelector.Operator.In, Set.of(v.asText())));
            }
        }
    }

    private static void matchExpressions(JsonNode node, String path, List<LabelSelector.Requirement> out, PolicyFields.Errors errors) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isArray()) {
            errors.add(path, "must be a list of {key, operator, values} expressions, not a " + PolicyFields.typeName(node));
            return;
        }
        for (int i = 0; i < node.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode item = node.get(i);
            if (!item.isObject()) {
                errors.add(at, "must be a mapping with key, operator and values, not a " + PolicyFields.typeName(item));
                continue;
            }
            int before = errors.list.size();
            PolicyFields.unknownFields(item, at + ".", EXPRESSION_FIELDS, errors);
            String key = PolicyFields.requiredString(item, "key", at + ".", errors);
            if (key != null) {
                checkKey(key, at + ".key", errors);
            }
            LabelSelector.Operator operator = operator(item, at + ".", errors);
            Set<String> values = values(item, at + ".", errors);
            if (operator != null && values != null) {
                boolean needsValues = operator == LabelSelector.Operator.In || operator == LabelSelector.Operator.NotIn;
                if (needsValues && values.isEmpty()) {
                    errors.add(at + ".values", "must list at least one value for operator " + operator);
                } else if (!needsValues && !values.isEmpty()) {
                    errors.add(at + ".values", "must be empty for operator " + operator + "; remove values, or use In or NotIn");
                }
            }
            if (errors.list.size() == before) {
                out.add(new LabelSelector.Requirement(key, operator, values));
            }
        }
    }

    private static LabelSelector.Operator operator(JsonNode item, String prefix, PolicyFields.Errors errors) {
        String op = PolicyFields.requiredString(item, "operator", prefix, errors);
        if (op == null) {
            return null;
        }
        for (LabelSelector.Operator o : LabelSelector.Operator.values()) {
            if (o.name().equals(op)) {
                return o;
            }
        }
        errors.add(prefix + "operator", "\"" + op + "\" is not an operator; write In, NotIn, Exists or DoesNotExist (case matters)");
        return null;
    }

    private static Set<String> values(JsonNode item, String prefix, PolicyFields.Errors errors) {
        JsonNode list = item.get("values");
        Set<String> out = new LinkedHashSet<>();
        if (list == null || list.isNull()) {
            return out;
        }
        if (!list.isArray()) {
            errors.add(prefix + "values", "must be a list of strings, not a " + PolicyFields.typeName(list));
            return null;
        }
        boolean ok = true;
        for (int i = 0; i < list.size(); i++) {
            JsonNode v = list.get(i);
            String at = prefix + "values[" + i + "]";
            if (!v.isTextual()) {
                errors.add(at, "must be a string, not a " + PolicyFields.typeName(v) + "; quote it (label values are strings)");
                ok = false;
            } else if (checkValue(v.asText(), at, errors)) {
                out.add(v.asText());
            } else {
                ok = false;
            }
        }
        return ok ? out : null;
    }

    private static boolean checkKey(String key, String path, PolicyFields.Errors errors) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches())) {
            errors.add(path, "\"" + key + "\" is not a label key: the prefix before '/' must be a DNS subdomain such as example.com "
                    + "(lower-case letters, digits, '-' and '.'), at most 253 characters");
            return false;
        }
        if (name.isEmpty() || name.length() > 63 || !LABEL_NAME.matcher(name).matches()) {
            errors.add(path, "\"" + key + "\" is not a label key: the name must be at most 63 characters of letters, digits, '-', '_' "
                    + "and '.', starting and ending with a letter or digit, with an optional prefix such as example.com/");
            return false;
        }
        return true;
    }

    private static boolean checkValue(String value, String path, PolicyFields.Errors errors) {
        if (!value.isEmpty() && (value.length() > 63 || !LABEL_NAME.matcher(value).matches())) {
            errors.add(path, "\"" + value + "\" is not a label value: at most 63 characters of letters, digits, '-', '_' and '.', "
                    + "starting and ending with a letter or digit (or empty)");
            return false;
        }
        return true;
    }
}
