package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyParserTest {

    static final String HEADER = "apiVersion: pullsecret-injector.io/v1alpha1\nkind: InjectionPolicy\n";
    final PolicyParser parser = new PolicyParser();

    @Test
    void aMinimalPolicyGetsTheDocumentedDefaults() {
        PolicyParseResult result = parser.parse(HEADER + """
                registryCredentials:
                  - existingSecret: regcred
                    existingSecretNamespace: registry-creds
                """);

        assertThat(result.errors()).isEmpty();
        InjectionPolicy policy = result.policy();
        assertThat(policy.excludeNamespaces()).extracting(Glob::text).containsExactly("kube-system", "kube-public", "kube-node-lease");
        assertThat(policy.includeNamespaces()).extracting(Glob::text).containsExactly("*");
        RegistryCredential c = policy.registryCredentials().get(0);
        assertThat(c.targetSecretName()).as("targetSecretName defaults to existingSecret").isEqualTo("regcred");
        assertThat(c.registriesFromSecret()).isTrue();
        assertThat(c.excludeNamespaces()).isEmpty();
        assertThat(c.source()).isEqualTo("registry-creds/regcred");
    }

    @Test
    void everyFieldIsRead() {
        PolicyParseResult result = parser.parse(HEADER + """
                excludeNamespaces: ["legacy-*"]
                includeNamespaces: ["team-?", "apps"]
                registryCredentials:
                  - existingSecret: regcred
                    existingSecretNamespace: registry-creds
                    targetSecretName: private-pull
                    registries: ["registry.example.com:5000", "*.corp.example"]
                    excludeNamespaces: [sandbox]
                """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.policy().excludeNamespaces()).extracting(Glob::text).containsExactly("legacy-*");
        assertThat(result.policy().includeNamespaces()).extracting(Glob::text).containsExactly("team-?", "apps");
        RegistryCredential c = result.policy().registryCredentials().get(0);
        assertThat(c.targetSecretName()).isEqualTo("private-pull");
        assertThat(c.registries()).extracting(RegistryPattern::text).containsExactly("registry.example.com:5000", "*.corp.example");
        assertThat(c.excludeNamespaces()).extracting(Glob::text).containsExactly("sandbox");
    }

    @Test
    void aPolicyWithoutCredentialsIsValidAndInjectsNothing() {
        PolicyParseResult result = parser.parse(HEADER);

        assertThat(result.errors()).isEmpty();
        assertThat(result.policy().registryCredentials()).isEmpty();
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                arguments("an empty document", "", "(document)", "is empty"),
                arguments("a YAML syntax error names the line", HEADER + "registryCredentials: [\n", "(document)", "is not valid YAML (line"),
                arguments("a list as the document", "- a\n- b\n", "(document)", "must be a mapping"),
                arguments("a missing apiVersion", "kind: InjectionPolicy\n", "apiVersion", "is required"),
                arguments("another apiVersion", "apiVersion: v1\nkind: InjectionPolicy\n", "apiVersion", "reads only pullsecret-injector.io/v1alpha1"),
                arguments("another kind", "apiVersion: pullsecret-injector.io/v1alpha1\nkind: ConfigMap\n", "kind", "must be InjectionPolicy"),
                arguments("an unknown top-level field", HEADER + "excludeNamespace: [a]\n", "excludeNamespace", "is not a known field"),
                arguments("a duplicate key", HEADER + "includeNamespaces: [a]\nincludeNamespaces: [b]\n", "(document)", "Duplicate field"),
                arguments("namespaces as a string", HEADER + "excludeNamespaces: kube-system\n", "excludeNamespaces", "must be a list of strings"),
                arguments("a namespace glob with a regex", HEADER + "excludeNamespaces: [\"team-.*\"]\n", "excludeNamespaces[0]", "is not a namespace glob"),
                arguments("an upper-case namespace glob", HEADER + "includeNamespaces: [Team]\n", "includeNamespaces[0]", "is not a namespace glob"),
                arguments("a number as a namespace", HEADER + "includeNamespaces: [42]\n", "includeNamespaces[0]", "must be a string, not a number"),
                arguments("an empty namespace glob", HEADER + "includeNamespaces: [\"\"]\n", "includeNamespaces[0]", "must not be empty"),
                arguments("credentials as a mapping", HEADER + "registryCredentials: {existingSecret: a}\n", "registryCredentials", "must be a list"),
                arguments("a credential as a string", HEADER + "registryCredentials: [regcred]\n", "registryCredentials[0]", "must be a mapping"),
                arguments("a missing existingSecret", HEADER + "registryCredentials:\n  - existingSecretNamespace: ns\n",
                        "registryCredentials[0].existingSecret", "is required"),
                arguments("a missing existingSecretNamespace", HEADER + "registryCredentials:\n  - existingSecret: s\n",
                        "registryCredentials[0].existingSecretNamespace", "is required"),
                arguments("an unknown credential field", HEADER + "registryCredentials:\n  - existingSecret: s\n    existingSecretNamespace: ns\n    registry: [x]\n",
                        "registryCredentials[0].registry", "is not a known field"),
                arguments("an invalid Secret name", HEADER + "registryCredentials:\n  - existingSecret: Reg_Cred\n    existingSecretNamespace: ns\n",
                        "registryCredentials[0].existingSecret", "is not a Secret name"),
                arguments("an invalid namespace name", HEADER + "registryCredentials:\n  - existingSecret: s\n    existingSecretNamespace: my.ns\n",
                        "registryCredentials[0].existingSecretNamespace", "is not a namespace name"),
                arguments("an invalid target name", HEADER + "registryCredentials:\n  - existingSecret: s\n    existingSecretNamespace: ns\n    targetSecretName: -x\n",
                        "registryCredentials[0].targetSecretName", "is not a Secret name"),
                arguments("a boolean secret name", HEADER + "registryCredentials:\n  - existingSecret: true\n    existingSecretNamespace: ns\n",
                        "registryCredentials[0].existingSecret", "must be a string, not a boolean; quote it"),
                arguments("a bad registry pattern", HEADER + "registryCredentials:\n  - existingSecret: s\n    existingSecretNamespace: ns\n    registries: [\"registry example.com\"]\n",
                        "registryCredentials[0].registries[0]", "is not a registry pattern"),
                arguments("a bad credential namespace glob", HEADER + "registryCredentials:\n  - existingSecret: s\n    existingSecretNamespace: ns\n    excludeNamespaces: [\"a/b\"]\n",
                        "registryCredentials[0].excludeNamespaces[0]", "is not a namespace glob"),
                arguments("two credentials with one copy name", HEADER + """
                                registryCredentials:
                                  - existingSecret: a
                                    existingSecretNamespace: ns
                                    targetSecretName: pull
                                  - existingSecret: b
                                    existingSecretNamespace: ns
                                    targetSecretName: pull
                                """,
                        "registryCredentials[1].targetSecretName", "is already the copy name of registryCredentials[0]"),
                arguments("a default copy name clashing with an explicit one", HEADER + """
                                registryCredentials:
                                  - existingSecret: pull
                                    existingSecretNamespace: ns
                                  - existingSecret: b
                                    existingSecretNamespace: other
                                    targetSecretName: pull
                                """,
                        "registryCredentials[1].targetSecretName", "two credentials cannot share one copy"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"invalid", "io.pullsecretinjector.policy.PolicyParserSelectorTest#invalid"})
    void anInvalidPolicyIsRefusedWithTheFieldPathAndWhatIsWrong(String sentence, String document, String path, String message) {
        PolicyParseResult result = parser.parse(document);

        assertThat(result.valid()).isFalse();
        assertThat(result.policy()).isNull();
        assertThat(result.errors()).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.message()).contains(message);
        });
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        PolicyParseResult result = parser.parse("""
                apiVersion: v2
                kind: InjectionPolicy
                excludeNamespaces: ["Bad"]
                colour: blue
                registryCredentials:
                  - existingSecretNamespace: ns
                  - existingSecret: s
                    existingSecretNamespace: ns
                    registries: [42]
                """);

        assertThat(result.errors()).extracting(PolicyError::path).containsExactlyInAnyOrder(
                "colour", "apiVersion", "excludeNamespaces[0]", "registryCredentials[0].existingSecret", "registryCredentials[1].registries[0]");
        assertThat(result.describeErrors().lines()).hasSize(5);
    }

    @Test
    void aJsonPolicyIsReadToo() {
        PolicyParseResult result = parser.parse("{\"apiVersion\":\"pullsecret-injector.io/v1alpha1\",\"kind\":\"InjectionPolicy\","
                + "\"registryCredentials\":[{\"existingSecret\":\"a\",\"existingSecretNamespace\":\"b\",\"registries\":[\"*\"]}]}");

        assertThat(result.errors()).isEmpty();
        RegistryPattern star = result.policy().registryCredentials().get(0).registries().get(0);
        assertThat(star.text()).isEqualTo("*");
        assertThat(star.matches(ImageReference.parse("quay.io/any/image:1"))).isTrue();
    }
}
