package io.pullsecretinjector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The report's schema is a contract: every report {@code review} prints validates against
 * docs/review-report.schema.json (which allows no field it does not document), its version is
 * pinned, YAML is the same document as JSON, and a golden report pins every field of one review.
 */
class ReviewReportSchemaTest {

    static final String POLICY = "src/test/resources/policy/test-policy.yaml";
    static final String SECRETS = "src/test/resources/review/secrets.yaml";
    static final Path SCHEMA = Path.of("docs/review-report.schema.json");
    static final Path GOLDEN = Path.of("src/test/resources/review/golden/report.json");

    static JsonSchema schema() throws Exception {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(ReviewCommandTest.JSON.readTree(SCHEMA.toFile()));
    }

    static Stream<Arguments> reports() {
        return Stream.of(
                Arguments.of("every kind with a Pod template, rewrites, a missing source and objects not reviewed",
                        new String[] {"--secrets", SECRETS, "src/test/resources/review/kinds.yaml"}),
                Arguments.of("the legacy guestbook directory, with Lists and an init container", new String[] {"src/test/resources/review/guestbook"}),
                Arguments.of("the examples: skipped Pods, opt-outs, an excluded namespace, AdmissionReviews",
                        new String[] {"--secrets", "examples/embedded-api", "examples/workloads.yaml", "examples/reviews"}),
                Arguments.of("invalid input", new String[] {"src/test/resources/review/does-not-exist.yaml"}),
                Arguments.of("--fail-on-missing and --fail-on-skip with public registries",
                        new String[] {"--fail-on-missing", "--fail-on-skip", "--public-registry", "docker.io", "--public-registry", "gcr.io",
                                "examples/workloads.yaml", "src/test/resources/review/guestbook"}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reports")
    void theReportValidatesAgainstTheDocumentedSchema(String name, String[] args) throws Exception {
        String[] command = Stream.concat(Stream.of("review", "--policy", POLICY, "-o", "json"), Stream.of(args)).toArray(String[]::new);

        ReviewCommandTest.Run r = ReviewCommandTest.run(command);

        JsonNode report = ReviewCommandTest.JSON.readTree(r.out());
        Set<ValidationMessage> problems = schema().validate(report);
        assertThat(problems).as(r.out()).isEmpty();
        assertThat(report.path("summary").path("exitCode").asInt()).isEqualTo(r.code());
    }

    @Test
    void anInvalidPolicyStillPrintsAReportThatValidates() throws Exception {
        Path bad = Files.createTempFile("policy", ".yaml");
        Files.writeString(bad, "apiVersion: pullsecret-injector.io/v1alpha1\nkind: InjectionPolicy\nregistryCredentials: [{colour: blue}]\n");

        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--policy", bad.toString(), "-o", "json", "examples/workloads.yaml");

        assertThat(r.code()).isEqualTo(1);
        JsonNode report = ReviewCommandTest.JSON.readTree(r.out());
        assertThat(schema().validate(report)).isEmpty();
        assertThat(report.path("policyErrors")).isNotEmpty();
        assertThat(report.path("reviews")).isEmpty();
    }

    @Test
    void theVersionIsPinnedInTheReportAndInTheSchema() throws Exception {
        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--policy", POLICY, "-o", "json", "examples/workloads.yaml");

        JsonNode report = ReviewCommandTest.JSON.readTree(r.out());
        JsonNode schema = ReviewCommandTest.JSON.readTree(SCHEMA.toFile());
        assertThat(report.path("apiVersion").asText()).isEqualTo("pullsecret-injector.io/v1");
        assertThat(report.path("kind").asText()).isEqualTo("ReviewReport");
        assertThat(schema.path("properties").path("apiVersion").path("const").asText()).isEqualTo("pullsecret-injector.io/v1");
        assertThat(schema.path("properties").path("kind").path("const").asText()).isEqualTo("ReviewReport");
    }

    @Test
    void yamlIsTheSameDocumentAsJsonEvenForNamesThatLookLikeOtherTypes() throws Exception {
        String tricky = "apiVersion: v1\nkind: Pod\nmetadata: {name: \"yes\", namespace: \"null\"}\n"
                + "spec: {containers: [{name: \"1.0\", image: nginx:1.27}, {name: \"true\", image: registry.example.com/x:1}]}\n";

        ReviewCommandTest.Run json = ReviewCommandTest.runWithStdin(tricky, "review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json", "-");
        ReviewCommandTest.Run yaml = ReviewCommandTest.runWithStdin(tricky, "review", "--policy", POLICY, "--secrets", SECRETS, "-o", "yaml", "-");

        assertThat(yaml.code()).isEqualTo(json.code()).isZero();
        assertThat(ReviewCommandTest.YAML.readTree(yaml.out())).isEqualTo(ReviewCommandTest.JSON.readTree(json.out()));
        assertThat(yaml.out()).startsWith("apiVersion: pullsecret-injector.io/v1\nkind: ReviewReport\n");
    }

    /**
     * One report, every field: a change here changes what pipelines read. If it is intended (and,
     * within apiVersion v1, only adds fields: docs/review.md), write the new report to the golden
     * file with {@code -Dreview.golden=write} and review the diff.
     */
    @Test
    void theReportOfOneRolloutIsPinnedFieldByField() throws Exception {
        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json",
                "src/test/resources/review/golden/rollout.yaml");

        if ("write".equals(System.getProperty("review.golden"))) {
            Files.writeString(GOLDEN, r.out(), StandardCharsets.UTF_8);
        }
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(ReviewCommandTest.JSON.readTree(r.out())).isEqualTo(ReviewCommandTest.JSON.readTree(GOLDEN.toFile()));
    }
}
