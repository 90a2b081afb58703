package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyEvaluatorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final InjectionPolicy POLICY = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            excludeNamespaces: [kube-system, "legacy-*"]
            includeNamespaces: ["team-*", "apps", "sandbox"]
            registryCredentials:
              - existingSecret: private
                existingSecretNamespace: creds
                registries: ["registry.example.com", "*.corp.example"]
                excludeNamespaces: [sandbox]
              - existingSecret: hub
                existingSecretNamespace: creds
              - existingSecret: everything
                existingSecretNamespace: creds
                registries: ["mirror.example.com:5000"]
            """).policy();

    /** The hub credential takes its registries from its Secret: Docker Hub. */
    static final SourceRegistries SOURCES = c -> c.existingSecret().equals("hub")
            ? SourceRegistries.Lookup.found(List.of(RegistryPattern.parse("https://index.docker.io/v1/")))
            : SourceRegistries.Lookup.unavailable("unexpected lookup of " + c.source());

    static final SourceRegistries MISSING = c -> SourceRegistries.Lookup.unavailable("source secret " + c.source() + " does not exist");

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("a private-registry image gets the private credential", "team-a", pod("registry.example.com/app:1"), SOURCES, List.of("private"), null),
                arguments("a glob registry matches a sub-domain", "team-a", pod("eu.corp.example/app:1"), SOURCES, List.of("private"), null),
                arguments("a Docker Hub short name gets the credential whose auths name Docker Hub", "team-a", pod("nginx"), SOURCES, List.of("hub"), null),
                arguments("an init container counts", "team-a", pod("quay.io/x:1").init("registry.example.com/migrate:1"), SOURCES, List.of("private"), null),
                arguments("an ephemeral container counts", "team-a", pod("quay.io/x:1").ephemeral("nginx"), SOURCES, List.of("hub"), null),
                arguments("two registries give two credentials in policy order", "team-a", pod("nginx", "registry.example.com/app"), SOURCES, List.of("private", "hub"), null),
                arguments("a public registry image gets nothing", "team-a", pod("quay.io/prometheus/prometheus"), SOURCES, List.of(), null),
                arguments("the port must match", "team-a", pod("mirror.example.com:5001/app"), SOURCES, List.of(), null),
                arguments("a credential's own excluded namespace leaves it out", "sandbox", pod("registry.example.com/app"), SOURCES, List.of(), null),
                arguments("a globally excluded namespace skips the Pod", "kube-system", pod("registry.example.com/app"), SOURCES, List.of(),
                        "namespace kube-system is excluded by excludeNamespaces \"kube-system\""),
                arguments("an excluded glob skips the Pod", "legacy-billing", pod("registry.example.com/app"), SOURCES, List.of(),
                        "excluded by excludeNamespaces \"legacy-*\""),
                arguments("a namespace not included skips the Pod", "default", pod("registry.example.com/app"), SOURCES, List.of(),
                        "matches no includeNamespaces entry"),
                arguments("the injector's own namespace is always skipped", "pullsecret-injector", pod("registry.example.com/app"), SOURCES, List.of(),
                        "the injector's own namespace"),
                arguments("the opt-out annotation skips the Pod", "team-a", pod("registry.example.com/app").annotate("pullsecret-injector.io/inject", "false"),
                        SOURCES, List.of(), "pullsecret-injector.io/inject"),
                arguments("a mirror Pod is never touched, whatever its images", "team-a",
                        pod("registry.example.com/app").annotate("kubernetes.io/config.mirror", "6a1f3e0c9b2d4f5e"),
                        SOURCES, List.of(), "mirror Pod"),
                arguments("any other annotation value does not opt out", "team-a", pod("registry.example.com/app").annotate("pullsecret-injector.io/inject", "true"),
                        SOURCES, List.of("private"), null),
                arguments("a missing source leaves only that credential out", "team-a", pod("registry.example.com/app", "nginx"), MISSING, List.of("private"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thePolicyDecidesWhichCredentialsAPodGets(String sentence, String namespace, PodBuilder pod, SourceRegistries sources,
                                                 List<String> expected, String skipReason) {
        Decision decision = new PolicyEvaluator("pullsecret-injector").evaluate(POLICY, namespace, PodFacts.fromJson(pod.json), sources);

        assertThat(decision.applied()).extracting(m -> m.credential().existingSecret()).containsExactlyElementsOf(expected);
        if (skipReason == null) {
            assertThat(decision.isSkipped()).isFalse();
        } else {
            assertThat(decision.skipReason()).contains(skipReason);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyCredentialNotAppliedHasAReason(String sentence, String namespace, PodBuilder pod, SourceRegistries sources,
                                            List<String> expected, String skipReason) {
        Decision decision = new PolicyEvaluator("pullsecret-injector").evaluate(POLICY, namespace, PodFacts.fromJson(pod.json), sources);

        if (!decision.isSkipped()) {
            assertThat(decision.applied().size() + decision.notApplied().size()).isEqualTo(POLICY.registryCredentials().size());
            assertThat(decision.notApplied()).allSatisfy(m -> assertThat(m.reason()).isNotBlank());
        }
    }

    @org.junit.jupiter.api.Test
    void aMissingSourceIsAWarningAndOtherMissesAreNot() {
        Decision decision = new PolicyEvaluator("pullsecret-injector").evaluate(POLICY, "team-a", PodFacts.fromJson(pod("quay.io/x").json), MISSING);

        assertThat(decision.notApplied()).extracting(Decision.Miss::warn).containsExactly(false, true, false);
        assertThat(decision.notApplied().get(1).reason()).isEqualTo("source secret creds/hub does not exist");
    }

    static PodBuilder pod(String... images) {
        return new PodBuilder(images);
    }

    /** A Pod as JSON, built up for a row. */
    static final class PodBuilder {
        final ObjectNode json = JSON.createObjectNode();

        PodBuilder(String... images) {
            json.putObject("metadata").put("generateName", "web-");
            ArrayNode containers = json.putObject("spec").putArray("containers");
            for (int i = 0; i < images.length; i++) {
                containers.addObject().put("name", "c" + i).put("image", images[i]);
            }
        }

        PodBuilder init(String image) {
            ((ObjectNode) json.get("spec")).putArray("initContainers").addObject().put("name", "init").put("image", image);
            return this;
        }

        PodBuilder ephemeral(String image) {
            ((ObjectNode) json.get("spec")).putArray("ephemeralContainers").addObject().put("name", "debug").put("image", image);
            return this;
        }

        PodBuilder annotate(String key, String value) {
            ((ObjectNode) json.get("metadata")).putObject("annotations").setAll(Map.of(key, JSON.getNodeFactory().textNode(value)));
            return this;
        }

        @Override
        public String toString() {
            return json.toString();
        }
    }
}
