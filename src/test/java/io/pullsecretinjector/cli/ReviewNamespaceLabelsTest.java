package io.pullsecretinjector.cli;

import static io.pullsecretinjector.cli.ReviewCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code review} with namespace labels, from --namespace-labels or Namespace objects: a skip names the selector that did not match. */
class ReviewNamespaceLabelsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path policy;
    Path pod;

    @BeforeEach
    void files() throws Exception {
        policy = Files.writeString(tmp.resolve("policy.yaml"), """
                apiVersion: pullsecret-injector.io/v1alpha1
                kind: InjectionPolicy
                registryCredentials:
                  - existingSecret: payments-pull
                    existingSecretNamespace: registry-creds
                    registries: ["registry.example.com"]
                    namespaceSelector:
                      matchLabels: {team: payments}
                      matchExpressions:
                        - {key: tier, operator: In, values: [prod]}
                """);
        pod = Files.writeString(tmp.resolve("pod.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: team-a, labels: {team: payments, tier: prod}}
                spec:
                  containers: [{name: web, image: registry.example.com/web:1}]
                """);
    }

    JsonNode review(String... more) throws Exception {
        String[] args = Stream.concat(Stream.of("review", "--policy", policy.toString(), "-o", "json"), Stream.of(more)).toArray(String[]::new);
        ReviewCommandTest.Run r = run(args);
        return JSON.readTree(r.out()).path("reviews").get(0);
    }

    /** The report as text with JSON's escaped quotes read back, so reasons compare as written. */
    static String text(JsonNode report) {
        return report.toString().replace("\\\"", "\"");
    }

    static Stream<Arguments> labels() {
        return Stream.of(
                arguments("labels that match the selector give the credential", "team-a=team=payments,tier=prod", true, null),
                arguments("a label of another tenant leaves it out and names the requirement that failed", "team-a=team=search,tier=prod", false,
                        "namespace team-a does not match registryCredentials[0].namespaceSelector: its labels do not satisfy \"team=payments\""),
                arguments("a namespace given without labels leaves it out", "team-a=", false,
                        "its labels do not satisfy \"team=payments\""),
                arguments("labels of another namespace do not count", "team-b=team=payments,tier=prod", false,
                        "the labels of namespace team-a are not known, so registryCredentials[0].namespaceSelector (team=payments,tier=prod) "
                                + "cannot be checked"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("labels")
    void namespaceLabelsFromTheCommandLine(String sentence, String given, boolean injected, String reason) throws Exception {
        JsonNode r = review("--namespace-labels", given, pod.toString());

        assertThat(r.toString().contains("\"payments-pull\"") && r.path("imagePullSecrets").toString().contains("payments-pull"))
                .as(r.toPrettyString()).isEqualTo(injected);
        if (reason != null) {
            assertThat(text(r)).contains(reason);
        }
    }

    @Test
    void aNamespaceObjectAmongTheManifestsGivesItsLabelsAndTheCommandLineWins() throws Exception {
        Path ns = Files.writeString(tmp.resolve("ns.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata: {name: team-a, labels: {team: payments, tier: prod}}
                """);

        assertThat(review(ns.toString(), pod.toString()).path("imagePullSecrets").toString()).contains("payments-pull");
        assertThat(text(review("--namespace-labels", "team-a=team=payments,tier=dev", ns.toString(), pod.toString())))
                .contains("its labels do not satisfy \"tier=prod\"");
    }

    @Test
    void theLabelsOfThePodAreNeverTakenForTheNamespacesAndTheTextSaysWhatToPass() {
        ReviewCommandTest.Run r = run("review", "--policy", policy.toString(), pod.toString());

        assertThat(r.out()).contains("the labels of namespace team-a are not known");
        assertThat(r.err()).contains("namespace team-a: its labels were not given", "--namespace-labels team-a=KEY=VALUE");
    }

    @Test
    void aMalformedNamespaceLabelsOptionShowsTheExpectedForm() {
        ReviewCommandTest.Run r = run("review", "--policy", policy.toString(), "--namespace-labels", "team-a", pod.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("must be NAMESPACE=KEY=VALUE[,KEY=VALUE...]");
    }
}
