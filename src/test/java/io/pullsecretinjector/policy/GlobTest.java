package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GlobTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("a literal matches only itself", "kube-system", "kube-system", true),
                arguments("a literal does not match a longer name", "kube-system", "kube-system2", false),
                arguments("a star matches any run of characters", "team-*", "team-payments", true),
                arguments("a star also matches no characters", "team-*", "team-", true),
                arguments("a star alone matches everything", "*", "anything", true),
                arguments("a star alone matches the empty name", "*", "", true),
                arguments("a literal is compared case-sensitively", "Kube-System", "kube-system", false),
                arguments("two stars match like one", "**", "x", true),
                arguments("a star with regex characters around it keeps them literal", "(a)*", "(a)b", true),
                arguments("a star with regex characters around it does not read them as regex", "(a)*", "ab", false),
                arguments("a line break is matched by a star like any character", "a*b", "a\nb", true),
                arguments("a star in the middle", "ns-*-prod", "ns-billing-prod", true),
                arguments("a question mark matches exactly one character", "team-?", "team-a", true),
                arguments("a question mark does not match no character", "team-?", "team-", false),
                arguments("a question mark does not match two characters", "team-?", "team-ab", false),
                arguments("a dot is a literal dot", "a.b", "axb", false),
                arguments("regex characters are literal", "a+b", "aab", false),
                arguments("matching is on the whole name", "team", "my-team-x", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void globsMatchLikeTheReadmeSays(String sentence, String glob, String value, boolean expected) {
        assertThat(Glob.of(glob).matches(value)).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void globsWithTheSameTextAreEqualSoAPolicyReadTwiceIsUnchanged() {
        assertThat(Glob.of("team-*")).isEqualTo(Glob.of("team-*")).hasSameHashCodeAs(Glob.of("team-*"));
        assertThat(Glob.of("kube-system")).isEqualTo(Glob.of("kube-system"));
        assertThat(Glob.of("team-*")).isNotEqualTo(Glob.of("team-?"));
    }
}
