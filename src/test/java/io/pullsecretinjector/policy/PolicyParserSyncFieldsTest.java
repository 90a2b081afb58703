package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The per-credential sync fields {@code eager} and {@code prune}. */
class PolicyParserSyncFieldsTest {

    static String policy(String extra) {
        return """
                apiVersion: pullsecret-injector.io/v1alpha1
                kind: InjectionPolicy
                registryCredentials:
                  - existingSecret: regcred
                    existingSecretNamespace: registry-creds
                """ + extra.indent(4);
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("both default to false", "", false, false),
                Arguments.of("eager: true creates copies in matching namespaces", "eager: true", true, false),
                Arguments.of("prune: true deletes copies the policy no longer wants", "prune: true", false, true),
                Arguments.of("both can be set", "eager: true\nprune: true", true, true),
                Arguments.of("false is written out", "eager: false\nprune: false", false, false),
                Arguments.of("YAML 1.1's yes and no are booleans too", "eager: yes\nprune: no", true, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void reads(String behaviour, String extra, boolean eager, boolean prune) {
        PolicyParseResult result = new PolicyParser().parse(policy(extra));

        assertThat(result.errors()).isEmpty();
        RegistryCredential c = result.policy().registryCredentials().get(0);
        assertThat(c.eager()).isEqualTo(eager);
        assertThat(c.prune()).isEqualTo(prune);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("a quoted \"true\" is refused rather than guessed", "eager: \"true\"",
                        "registryCredentials[0].eager: must be true or false, not a string (remove the quotes)"),
                Arguments.of("a number is refused", "prune: 1", "registryCredentials[0].prune: must be true or false, not a number"),
                Arguments.of("a list is refused", "prune: [true]", "registryCredentials[0].prune: must be true or false, not a list"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refuses(String behaviour, String extra, String error) {
        PolicyParseResult result = new PolicyParser().parse(policy(extra));

        assertThat(result.valid()).isFalse();
        assertThat(result.describeErrors()).contains(error);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bothWrong")
    void reportsBothAtOnce(String behaviour, String extra) {
        PolicyParseResult result = new PolicyParser().parse(policy(extra));

        assertThat(result.errors()).extracting(PolicyError::path)
                .containsExactly("registryCredentials[0].eager", "registryCredentials[0].prune");
    }

    static Stream<Arguments> bothWrong() {
        return Stream.of(Arguments.of("a wrong eager and a wrong prune are reported together", "eager: sure\nprune: 2"));
    }
}
