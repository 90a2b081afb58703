package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which namespaces a credential serves: the one answer admission and the sync loop share. */
class NamespaceScopeTest {

    static final InjectionPolicy POLICY = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            excludeNamespaces: [kube-system, "legacy-*"]
            includeNamespaces: ["team-*", "shared", "pullsecret-injector"]
            namespaceSelector:
              matchExpressions:
                - {key: quarantine, operator: DoesNotExist}
            registryCredentials:
              - existingSecret: regcred
                existingSecretNamespace: registry-creds
                excludeNamespaces: ["team-secret"]
              - existingSecret: payments
                existingSecretNamespace: registry-creds
                includeNamespaces: ["team-*"]
                namespaceSelector:
                  matchLabels: {team: payments}
                  matchExpressions:
                    - {key: tier, operator: In, values: [prod, staging]}
                    - {key: example.com/frozen, operator: NotIn, values: ["true"]}
                    - {key: owner, operator: Exists}
            """).policy();

    static final Map<String, String> PAYMENTS = Map.of("team", "payments", "tier", "prod", "owner", "alice");

    static Stream<Arguments> namespaces() {
        return Stream.of(
                Arguments.of("an included namespace is served", 0, "team-a", Map.of(), null),
                Arguments.of("a namespace outside includeNamespaces is not served", 0, "other", Map.of(),
                        "namespace other matches no includeNamespaces entry"),
                Arguments.of("a globally excluded namespace is not served", 0, "kube-system", Map.of(),
                        "namespace kube-system is excluded by excludeNamespaces \"kube-system\""),
                Arguments.of("a global exclusion wins over an inclusion", 0, "legacy-team", Map.of(),
                        "namespace legacy-team is excluded by excludeNamespaces \"legacy-*\""),
                Arguments.of("a namespace excluded by the credential is not served by it", 0, "team-secret", Map.of(),
                        "namespace team-secret is excluded by registryCredentials[0].excludeNamespaces \"team-secret\""),
                Arguments.of("the injector's own namespace is never served, even when included", 0, "pullsecret-injector", Map.of(),
                        "namespace pullsecret-injector is the injector's own namespace, which is always excluded"),
                Arguments.of("a namespace the global selector rejects is served by no credential", 0, "team-a", Map.of("quarantine", "yes"),
                        "namespace team-a does not match namespaceSelector: its labels do not satisfy \"!quarantine\""),
                Arguments.of("a namespace whose labels match every requirement of the credential's selector is served", 1, "team-a",
                        PAYMENTS, null),
                Arguments.of("a namespace of another team is not served by the team's credential", 1, "team-b",
                        Map.of("team", "search", "tier", "prod", "owner", "bob"),
                        "namespace team-b does not match registryCredentials[1].namespaceSelector: its labels do not satisfy \"team=payments\""),
                Arguments.of("a value outside an In list is not served", 1, "team-a", Map.of("team", "payments", "tier", "dev", "owner", "a"),
                        "namespace team-a does not match registryCredentials[1].namespaceSelector: its labels do not satisfy "
                                + "\"tier in (prod,staging)\""),
                Arguments.of("a value in a NotIn list is not served", 1, "team-a",
                        Map.of("team", "payments", "tier", "prod", "owner", "a", "example.com/frozen", "true"),
                        "namespace team-a does not match registryCredentials[1].namespaceSelector: its labels do not satisfy "
                                + "\"example.com/frozen notin (true)\""),
                Arguments.of("a missing label required by Exists is not served", 1, "team-a", Map.of("team", "payments", "tier", "prod"),
                        "namespace team-a does not match registryCredentials[1].namespaceSelector: its labels do not satisfy \"owner\""),
                Arguments.of("the credential's includeNamespaces narrows the global one", 1, "shared", PAYMENTS,
                        "namespace shared matches no registryCredentials[1].includeNamespaces entry"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaces")
    void servesAndSaysWhyNot(String behaviour, int credentialIndex, String namespace, Map<String, String> labels, String why) {
        RegistryCredential credential = POLICY.registryCredentials().get(credentialIndex);
        NamespaceFacts facts = NamespaceFacts.of(namespace, labels);

        assertThat(NamespaceScope.serves(POLICY, credential, facts, "pullsecret-injector")).isEqualTo(why == null);
        String reason = NamespaceScope.whyNotServed(POLICY, facts, "pullsecret-injector");
        assertThat(reason != null ? reason : NamespaceScope.whyCredentialExcludes(credential, facts)).isEqualTo(why);
    }

    static Stream<Arguments> unknownLabels() {
        InjectionPolicy noSelectors = new PolicyParser().parse("""
                apiVersion: pullsecret-injector.io/v1alpha1
                kind: InjectionPolicy
                namespaceSelector: {}
                registryCredentials:
                  - existingSecret: regcred
                    existingSecretNamespace: registry-creds
                    namespaceSelector: {matchLabels: {}}
                """).policy();
        return Stream.of(
                Arguments.of("a credential without selectors serves a namespace whose labels are unknown (an empty selector too)",
                        noSelectors, 0, true),
                Arguments.of("no credential is given to a namespace whose labels are unknown when the global selector has a requirement",
                        POLICY, 0, false),
                Arguments.of("a credential with a selector is never given to a namespace whose labels are unknown", POLICY, 1, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unknownLabels")
    void unknownLabelsNeverServeACredentialWithASelector(String behaviour, InjectionPolicy policy, int credentialIndex, boolean served) {
        RegistryCredential credential = policy.registryCredentials().get(credentialIndex);

        assertThat(NamespaceScope.serves(policy, credential, NamespaceFacts.unknownLabels("team-a"), "pullsecret-injector"))
                .isEqualTo(served);
        assertThat(NamespaceScope.needsLabels(policy, credential)).isEqualTo(!served);
    }
}
