package io.pullsecretinjector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exit code a pipeline gates on: 0 all reviewed, 1 invalid input, 2 wrong command line, 3 with
 * {@code --fail-on-missing}, 4 with {@code --fail-on-skip}; the JSON report's summary carries the
 * same code, and stderr says why a check failed.
 */
class ReviewExitCodesTest {

    static final String POLICY = "src/test/resources/policy/test-policy.yaml";
    static final String SECRETS = "src/test/resources/review/secrets.yaml";

    static String pod(String namespace, String image, String extra) {
        return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: " + namespace + "\n" + extra
                + "spec:\n  containers:\n  - name: app\n    image: " + image + "\n";
    }

    static final String COVERED = pod("team-a", "registry.example.com/team-a/app:1", "");
    static final String UNCOVERED = pod("team-a", "quay.io/prometheus/prometheus:v2.53.0", "");
    static final String SOURCE_MISSING = pod("team-a", "missing.example.com/tools/backup:1", "");
    static final String EXCLUDED = pod("kube-system", "registry.example.com/ops/debug:1", "");
    static final String OPTED_OUT = pod("team-a", "quay.io/x/y:1", "  annotations:\n    pullsecret-injector.io/inject: \"false\"\n");
    static final String OPTED_OUT_EXCLUDED = pod("kube-system", "quay.io/x/y:1", "  annotations:\n    pullsecret-injector.io/inject: \"false\"\n");
    static final String MIRROR = pod("team-a", "quay.io/x/y:1", "  annotations:\n    kubernetes.io/config.mirror: 3f2a9c\n");
    static final String OWN_SECRET = pod("team-a", "gcr.io/acme/app:1", "").replace("spec:\n", "spec:\n  imagePullSecrets: [{name: gcr-readonly}]\n");
    static final String BROKEN = "kind: Pod\nmetadata: [unclosed\n";
    static final String VOLUME_UNCOVERED = COVERED + "  volumes:\n  - name: models\n    image: {reference: quay.io/acme/llama-weights:3.1, pullPolicy: IfNotPresent}\n";
    static final String VOLUME_COVERED = pod("team-a", "quay.io/acme/server:2", "").replace("spec:\n", "spec:\n  volumes:\n  - name: models\n"
            + "    image: {reference: registry.example.com/ml/llama-weights:3.1}\n");

    static String docs(String... manifests) {
        return String.join("---\n", manifests);
    }

    static Stream<Arguments> codes() {
        return Stream.of(
                Arguments.of("every image covered exits 0, even with both checks", COVERED, List.of("--fail-on-missing", "--fail-on-skip"), 0, ""),
                Arguments.of("an image no credential covers exits 3 with --fail-on-missing, each problem on stderr with its source", UNCOVERED,
                        List.of("--fail-on-missing"), 3, "(stdin)#1: Pod team-a/p: image quay.io/prometheus/prometheus:v2.53.0 (container app) comes from quay.io"),
                Arguments.of("an image no credential covers exits 0 without --fail-on-missing", UNCOVERED, List.of(), 0, ""),
                Arguments.of("an image volume no credential covers exits 3 with --fail-on-missing, named by its field path", VOLUME_UNCOVERED,
                        List.of("--fail-on-missing"), 3, "(stdin)#1: Pod team-a/p: image quay.io/acme/llama-weights:3.1 "
                                + "(image volume models at spec.volumes[0].image.reference) comes from quay.io"),
                Arguments.of("a Pod whose only private image is a covered image volume exits 0, its public container from a --public-registry",
                        VOLUME_COVERED, List.of("--fail-on-missing", "--public-registry", "quay.io"), 0, ""),
                Arguments.of("an image from a --public-registry needs no credential", UNCOVERED,
                        List.of("--fail-on-missing", "--public-registry", "quay.io"), 0, ""),
                Arguments.of("a --public-registry with a path covers only that path", UNCOVERED,
                        List.of("--fail-on-missing", "--public-registry", "quay.io/coreos"), 3, "--fail-on-missing"),
                Arguments.of("a credential that applies with its source Secret missing exits 3 with --fail-on-missing", SOURCE_MISSING,
                        List.of("--fail-on-missing"), 3, "--fail-on-missing: 1 problem(s)"),
                Arguments.of("an image left to the Pod's own pull secret is not missing", OWN_SECRET, List.of("--fail-on-missing"), 0, ""),
                Arguments.of("a Pod in an excluded namespace exits 4 with --fail-on-skip, and says why", EXCLUDED, List.of("--fail-on-skip"), 4,
                        "(stdin)#1: Pod kube-system/p: skipped: namespace kube-system is excluded by excludeNamespaces \"kube-system\""),
                Arguments.of("--fail-on-skip counts the skipped Pods", EXCLUDED, List.of("--fail-on-skip"), 4,
                        "--fail-on-skip: 1 Pod(s) skipped because the policy excludes their namespace; exit code 4"),
                Arguments.of("a Pod in an excluded namespace is no missing credential", EXCLUDED, List.of("--fail-on-missing"), 0, ""),
                Arguments.of("a Pod that opts out is never a skip failure", OPTED_OUT, List.of("--fail-on-skip", "--fail-on-missing"), 0, ""),
                Arguments.of("a mirror Pod is never a skip failure nor a missing credential", MIRROR, List.of("--fail-on-skip", "--fail-on-missing"), 0, ""),
                Arguments.of("a Pod that opts out in an excluded namespace is still skipped for its namespace", OPTED_OUT_EXCLUDED,
                        List.of("--fail-on-skip"), 4, "--fail-on-skip"),
                Arguments.of("a missing credential wins over a skip: 3", docs(UNCOVERED, EXCLUDED), List.of("--fail-on-missing", "--fail-on-skip"), 3,
                        "--fail-on-missing: 1 problem(s); exit code 3"),
                Arguments.of("invalid input wins over both checks: 1, and the valid documents are still reviewed", docs(UNCOVERED, EXCLUDED, BROKEN),
                        List.of("--fail-on-missing", "--fail-on-skip"), 1, "(stdin)#3: (document): is not valid YAML or JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codes")
    void theExitCodeSaysWhatAPipelineNeedsToKnow(String name, String manifests, List<String> flags, int code, String stderr) throws Exception {
        ReviewCommandTest.Run text = ReviewCommandTest.runWithStdin(manifests, args(flags));
        List<String> json = new ArrayList<>(List.of(args(flags)));
        json.addAll(1, List.of("-o", "json"));
        ReviewCommandTest.Run report = ReviewCommandTest.runWithStdin(manifests, json.toArray(String[]::new));

        assertThat(text.code()).as(text.err()).isEqualTo(code);
        assertThat(text.err()).contains(stderr);
        if (stderr.isEmpty()) {
            assertThat(text.err()).isEmpty();
        }
        assertThat(report.code()).isEqualTo(code);
        JsonNode summary = ReviewCommandTest.JSON.readTree(report.out()).path("summary");
        assertThat(summary.path("exitCode").asInt()).isEqualTo(code);
        assertThat(summary.path("reviewed").asInt()).isPositive();
    }

    static String[] args(List<String> flags) {
        List<String> args = new ArrayList<>(List.of("review", "--policy", POLICY, "--secrets", SECRETS));
        args.addAll(flags);
        args.add("-");
        return args.toArray(String[]::new);
    }

    @Test
    void theProblemsAreNamedWithWhatToDo() throws Exception {
        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(docs(UNCOVERED, SOURCE_MISSING), "review", "--policy", POLICY, "--secrets", SECRETS,
                "--fail-on-missing", "-o", "json", "-");

        JsonNode reviews = ReviewCommandTest.JSON.readTree(r.out()).path("reviews");
        JsonNode uncovered = reviews.get(0).path("missing").get(0);
        assertThat(uncovered.path("problem").asText()).isEqualTo("uncoveredImage");
        assertThat(uncovered.path("image").asText()).isEqualTo("quay.io/prometheus/prometheus:v2.53.0");
        assertThat(uncovered.path("message").asText()).contains("comes from quay.io, which no credential of the policy covers in namespace team-a",
                "add a registryCredentials entry for it, or pass --public-registry quay.io");
        JsonNode absent = reviews.get(1).path("missing");
        assertThat(absent).as("one problem: the image is explained by its credential's missing source, not reported twice").hasSize(1);
        assertThat(absent.get(0).path("problem").asText()).isEqualTo("sourceMissing");
        assertThat(absent.get(0).path("credential").asText()).isEqualTo("missing-copy");
        assertThat(absent.get(0).path("message").asText()).contains("source secret registry-creds/not-created-yet does not exist",
                "create it (kubectl create secret docker-registry not-created-yet -n registry-creds ...)");
    }

    @Test
    void eachSkipSaysItsCause() throws Exception {
        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(docs(EXCLUDED, MIRROR, OPTED_OUT, COVERED), "review", "--policy", POLICY,
                "--secrets", SECRETS, "-o", "json", "-");

        JsonNode reviews = ReviewCommandTest.JSON.readTree(r.out()).path("reviews");
        assertThat(reviews).extracting(n -> n.path("skipCause").isNull() ? "(evaluated)" : n.path("skipCause").asText())
                .containsExactly("namespace", "mirrorPod", "optOut", "(evaluated)");
        assertThat(reviews.get(1).path("images").get(0).path("coverage").asText()).isEqualTo("notEvaluated");
    }

    @Test
    void withoutSecretsAnImageACredentialMightCoverSaysToPassThem() throws Exception {
        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(pod("team-a", "nginx:1.27", ""), "review", "--policy", POLICY,
                "--fail-on-missing", "-o", "json", "-");

        assertThat(r.code()).isEqualTo(3);
        JsonNode review = ReviewCommandTest.JSON.readTree(r.out()).path("reviews").get(0);
        assertThat(review.path("credentials").get(1).path("outcome").asText()).isEqualTo("unknown");
        assertThat(review.path("missing").get(0).path("message").asText())
                .endsWith("(or it may be covered by dockerhub, whose registries come from a source Secret review was not given or cannot read: pass --secrets)");
    }

    @Test
    void aWrongCommandLineExitsTwo() {
        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(COVERED, "review", "--policy", POLICY, "--fail-on-missing", "-o", "xml", "-");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Invalid value for option '--output'", "Usage:");
    }

    @Test
    void helpListsEveryExitCode() {
        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Exit codes:", "--fail-on-missing", "--fail-on-skip", "--public-registry");
        assertThat(r.out().lines().map(String::strip)).anyMatch(l -> l.startsWith("0   Every input was reviewed"))
                .anyMatch(l -> l.startsWith("1   The policy or an input is invalid"))
                .anyMatch(l -> l.startsWith("2   Wrong command line"))
                .anyMatch(l -> l.startsWith("3   With --fail-on-missing"))
                .anyMatch(l -> l.startsWith("4   With --fail-on-skip"));
    }
}
