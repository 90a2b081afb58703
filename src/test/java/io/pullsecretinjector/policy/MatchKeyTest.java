package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The handler keeps each copy's outcome in a map keyed by {@link Decision.Match}, whose hash covers
 * fewer parts than its equality (to keep hashing off the review's cost): a key must still find
 * exactly the matches equal to it, no more.
 */
class MatchKeyTest {

    // Globs compare their compiled pattern by identity, so the parts are shared as a policy shares them.
    private static final RegistryPattern REGISTRY = RegistryPattern.parse("registry.example.com");
    private static final RegistryPattern CORP = RegistryPattern.parse("*.corp.example");
    private static final Glob KUBE = Glob.of("kube-*");

    private static RegistryCredential credential(String target, List<RegistryPattern> registries, List<Glob> exclude) {
        return new RegistryCredential(0, "regcred", "registry-secrets", target, registries, exclude);
    }

    private static final Decision.Match KEY =
            new Decision.Match(credential("regcred", List.of(REGISTRY, CORP), List.of(KUBE)), "registry.example.com/app:1", REGISTRY);

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("the same match, built again from the same parts, finds the outcome",
                        new Decision.Match(credential("regcred", List.of(REGISTRY, CORP), List.of(KUBE)), new String("registry.example.com/app:1"), REGISTRY), true),
                arguments("a credential with other registries does not find it",
                        new Decision.Match(credential("regcred", List.of(REGISTRY), List.of(KUBE)), "registry.example.com/app:1", REGISTRY), false),
                arguments("a credential with other excluded namespaces does not find it",
                        new Decision.Match(credential("regcred", List.of(REGISTRY, CORP), List.of()), "registry.example.com/app:1", REGISTRY), false),
                arguments("another copy name does not find it",
                        new Decision.Match(credential("other", List.of(REGISTRY, CORP), List.of(KUBE)), "registry.example.com/app:1", REGISTRY), false),
                arguments("another image does not find it",
                        new Decision.Match(KEY.credential(), "registry.example.com/app:2", REGISTRY), false),
                arguments("the same image matched through another pattern does not find it",
                        new Decision.Match(KEY.credential(), "registry.example.com/app:1", CORP), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aMatchFindsOnlyTheOutcomesOfMatchesEqualToIt(String name, Decision.Match other, boolean finds) {
        Map<Decision.Match, String> outcomes = new HashMap<>(Map.of(KEY, "copied"));

        assertThat(outcomes.get(other)).isEqualTo(finds ? "copied" : null);
        assertThat(other.equals(KEY)).isEqualTo(finds);
        if (finds) {
            assertThat(other.hashCode()).isEqualTo(KEY.hashCode());
        }
    }
}
