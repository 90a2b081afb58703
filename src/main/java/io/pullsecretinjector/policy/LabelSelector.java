package io.pullsecretinjector.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector over namespace labels ({@code matchLabels} and {@code matchExpressions}),
 * as the policy's {@code namespaceSelector} fields hold it. All requirements must hold; a selector
 * with none ({@code {}} or absent) matches every namespace, and needs no labels to say so. Pure:
 * built by {@link PolicyParser}, which validates keys, values and operators.
 *
 * @param path         the field path, for messages: {@code namespaceSelector}, {@code registryCredentials[0].namespaceSelector}
 * @param requirements every requirement; a {@code matchLabels} entry is an {@code In} with one value
 */
public record LabelSelector(String path, List<Requirement> requirements) {

    /** The selector that matches everything: what an absent {@code namespaceSelector} means. */
    public static LabelSelector everything(String path) {
        return new LabelSelector(path, List.of());
    }

    public LabelSelector {
        requirements = List.copyOf(requirements);
    }

    /** The operators of {@code matchExpressions}, as Kubernetes spells them. */
    public enum Operator {
        In, NotIn, Exists, DoesNotExist
    }

    /**
     * One requirement on one label.
     *
     * @param key      the label key
     * @param operator how the label is tested
     * @param values   the values for {@code In} and {@code NotIn}, empty otherwise
     */
    public record Requirement(String key, Operator operator, Set<String> values) {

        public Requirement {
            values = Set.copyOf(values);
        }

        /** True when {@code labels} satisfy this requirement. */
        public boolean matches(Map<String, String> labels) {
            String value = labels.get(key);
            return switch (operator) {
                case In -> value != null && values.contains(value);
                case NotIn -> value == null || !values.contains(value);
                case Exists -> value != null;
                case DoesNotExist -> value == null;
            };
        }

        /** In the form {@code kubectl -l} reads: {@code team in (payments)}, {@code !legacy}. */
        @Override
        public String toString() {
            String list = new TreeSet<>(values).stream().collect(Collectors.joining(",", "(", ")"));
            return switch (operator) {
                case In -> values.size() == 1 ? key + "=" + values.iterator().next() : key + " in " + list;
                case NotIn -> key + " notin " + list;
                case Exists -> key;
                case DoesNotExist -> "!" + key;
            };
        }
    }

    /** True when the selector has no requirement, so it matches every namespace whatever its labels. */
    public boolean matchesEverything() {
        return requirements.isEmpty();
    }

    /** True when {@code labels} satisfy every requirement. */
    public boolean matches(Map<String, String> labels) {
        return firstUnmet(labels) == null;
    }

    /** The first requirement {@code labels} do not satisfy, or null when they all hold. */
    public Requirement firstUnmet(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return r;
            }
        }
        return null;
    }

    /** The requirements in the form {@code kubectl -l} reads, comma-separated. */
    @Override
    public String toString() {
        return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
    }
}
