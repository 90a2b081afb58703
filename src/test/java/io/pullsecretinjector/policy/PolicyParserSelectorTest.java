package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/** The namespaceSelector and per-credential includeNamespaces fields: read as Kubernetes reads a label selector, refused with their path. */
class PolicyParserSelectorTest {

    static final String HEADER = "apiVersion: pullsecret-injector.io/v1alpha1\nkind: InjectionPolicy\n";
    final PolicyParser parser = new PolicyParser();

    static String credentialWith(String selector) {
        return HEADER + "registryCredentials:\n  - existingSecret: s\n    existingSecretNamespace: ns\n    namespaceSelector:\n"
                + selector.indent(6);
    }

    @Test
    void selectorsAndCredentialIncludesAreRead() {
        PolicyParseResult result = parser.parse(HEADER + """
                namespaceSelector:
                  matchExpressions:
                    - {key: pullsecret-injector.io/skip, operator: DoesNotExist}
                registryCredentials:
                  - existingSecret: payments
                    existingSecretNamespace: registry-creds
                    includeNamespaces: ["pay-*"]
                    namespaceSelector:
                      matchLabels: {team: payments}
                      matchExpressions:
                        - {key: tier, operator: NotIn, values: [dev]}
                  - existingSecret: mirror
                    existingSecretNamespace: registry-creds
                """);

        assertThat(result.errors()).isEmpty();
        InjectionPolicy policy = result.policy();
        assertThat(policy.namespaceSelector()).hasToString("!pullsecret-injector.io/skip");
        RegistryCredential payments = policy.registryCredentials().get(0);
        assertThat(payments.includeNamespaces()).extracting(Glob::text).containsExactly("pay-*");
        assertThat(payments.namespaceSelector().path()).isEqualTo("registryCredentials[0].namespaceSelector");
        assertThat(payments.namespaceSelector()).hasToString("team=payments,tier notin (dev)");
        assertThat(payments.namespaceSelector().matches(Map.of("team", "payments", "tier", "prod"))).isTrue();
        RegistryCredential mirror = policy.registryCredentials().get(1);
        assertThat(mirror.includeNamespaces()).as("includeNamespaces defaults to every namespace").extracting(Glob::text).containsExactly("*");
        assertThat(mirror.namespaceSelector().matchesEverything()).as("an absent selector matches everything").isTrue();
    }

    /** Refused selectors, each with its field path and what is wrong: run by {@link PolicyParserTest}'s table of invalid policies. */
    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("a bad operator", credentialWith("matchExpressions:\n  - {key: team, operator: Equals, values: [a]}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].operator", "is not an operator; write In, NotIn, Exists or DoesNotExist"),
                arguments("an operator in the wrong case", credentialWith("matchExpressions:\n  - {key: team, operator: in, values: [a]}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].operator", "(case matters)"),
                arguments("values with Exists", credentialWith("matchExpressions:\n  - {key: team, operator: Exists, values: [a]}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].values", "must be empty for operator Exists"),
                arguments("values with DoesNotExist", credentialWith("matchExpressions:\n  - {key: team, operator: DoesNotExist, values: [a]}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].values", "must be empty for operator DoesNotExist"),
                arguments("In without values", credentialWith("matchExpressions:\n  - {key: team, operator: In}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].values", "must list at least one value for operator In"),
                arguments("NotIn with an empty list", credentialWith("matchExpressions:\n  - {key: team, operator: NotIn, values: []}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].values", "must list at least one value for operator NotIn"),
                arguments("an expression without a key", credentialWith("matchExpressions:\n  - {operator: Exists}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].key", "is required"),
                arguments("an invalid label key", credentialWith("matchLabels: {\"team name\": a}"),
                        "registryCredentials[0].namespaceSelector.matchLabels.team name", "is not a label key"),
                arguments("a label key name longer than 63 characters", credentialWith("matchLabels: {" + "k".repeat(64) + ": a}"),
                        "registryCredentials[0].namespaceSelector.matchLabels." + "k".repeat(64), "at most 63 characters"),
                arguments("a label key prefix that is not a DNS subdomain", credentialWith("matchExpressions:\n  - {key: Example.com/team, operator: Exists}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].key", "must be a DNS subdomain"),
                arguments("an invalid label value", credentialWith("matchLabels: {team: \"-payments\"}"),
                        "registryCredentials[0].namespaceSelector.matchLabels.team", "is not a label value"),
                arguments("a label value as a number", credentialWith("matchLabels: {tier: 1}"),
                        "registryCredentials[0].namespaceSelector.matchLabels.tier", "must be a string, not a number"),
                arguments("an In value longer than 63 characters", credentialWith("matchExpressions:\n  - {key: t, operator: In, values: [" + "v".repeat(64) + "]}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].values[0]", "is not a label value"),
                arguments("an unknown field in the selector", credentialWith("matchLabel: {team: a}"),
                        "registryCredentials[0].namespaceSelector.matchLabel", "is not a known field; the fields here are matchExpressions, matchLabels"),
                arguments("an unknown field in an expression", credentialWith("matchExpressions:\n  - {key: a, operator: In, value: [b]}"),
                        "registryCredentials[0].namespaceSelector.matchExpressions[0].value", "is not a known field"),
                arguments("a selector written as a string", HEADER + "namespaceSelector: \"team=payments\"\n",
                        "namespaceSelector", "must be a label selector"),
                arguments("a global selector with a bad operator", HEADER + "namespaceSelector:\n  matchExpressions:\n    - {key: a, operator: Has}\n",
                        "namespaceSelector.matchExpressions[0].operator", "is not an operator"),
                arguments("a bad credential includeNamespaces glob", HEADER
                                + "registryCredentials:\n  - existingSecret: s\n    existingSecretNamespace: ns\n    includeNamespaces: [\"Team\"]\n",
                        "registryCredentials[0].includeNamespaces[0]", "is not a namespace glob"));
    }
}
