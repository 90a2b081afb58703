package io.pullsecretinjector.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of {@code review --namespace-labels}: {@code NAMESPACE=KEY=VALUE[,KEY=VALUE...]}, or
 * {@code NAMESPACE=} for a namespace without labels. A later value for the same namespace wins.
 */
final class NamespaceLabelsOption {

    private NamespaceLabelsOption() {
    }

    /**
     * Namespace to labels, in the order given.
     *
     * @throws IllegalArgumentException for a malformed value, with a message that shows the expected form
     */
    static Map<String, Map<String, String>> parse(List<String> values) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String arg : values) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--namespace-labels \"" + arg + "\" must be NAMESPACE=KEY=VALUE[,KEY=VALUE...], "
                        + "for example team-a=team=payments,tier=prod (or team-a= for a namespace without labels)");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            String rest = arg.substring(eq + 1);
            for (String pair : rest.isEmpty() ? new String[0] : rest.split(",")) {
                int at = pair.indexOf('=');
                if (at <= 0) {
                    throw new IllegalArgumentException("--namespace-labels \"" + arg + "\": \"" + pair + "\" is not KEY=VALUE");
                }
                labels.put(pair.substring(0, at).trim(), pair.substring(at + 1).trim());
            }
            out.put(arg.substring(0, eq).trim(), labels);
        }
        return out;
    }
}
