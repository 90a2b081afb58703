package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;

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
            registryCredentials:
              - existingSecret: regcred
                existingSecretNamespace: registry-creds
                excludeNamespaces: ["team-secret"]
            """).policy();

    static Stream<Arguments> namespaces() {
        return Stream.of(
                Arguments.of("an included namespace is served", "team-a", true, null),
                Arguments.of("a namespace outside includeNamespaces is not served", "other", false,
                        "namespace other matches no includeNamespaces entry"),
                Arguments.of("a globally excluded namespace is not served", "kube-system", false,
                        "namespace kube-system is excluded by excludeNamespaces \"kube-system\""),
                Arguments.of("a global exclusion wins over an inclusion", "legacy-team", false,
                        "namespace legacy-team is excluded by excludeNamespaces \"legacy-*\""),
                Arguments.of("a namespace excluded by the credential is not served by it", "team-secret", false,
                        "namespace team-secret is excluded by registryCredentials[0].excludeNamespaces \"team-secret\""),
                Arguments.of("the injector's own namespace is never served, even when included", "pullsecret-injector", false,
                        "namespace pullsecret-injector is the injector's own namespace, which is always excluded"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namespaces")
    void servesAndSaysWhyNot(String behaviour, String namespace, boolean served, String why) {
        RegistryCredential credential = POLICY.registryCredentials().get(0);

        assertThat(NamespaceScope.serves(POLICY, credential, namespace, "pullsecret-injector")).isEqualTo(served);
        String reason = NamespaceScope.whyNotServed(POLICY, namespace, "pullsecret-injector");
        assertThat(reason != null ? reason : NamespaceScope.whyCredentialExcludes(credential, namespace)).isEqualTo(why);
    }
}
