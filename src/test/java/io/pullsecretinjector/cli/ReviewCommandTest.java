package io.pullsecretinjector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code review} on the examples and on invalid input: output, exit codes, messages. No server, no cluster. */
class ReviewCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
    static final String POLICY = "examples/policy.yaml";
    static final String SECRETS = "examples/embedded-api";

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        return runWithStdin(null, args);
    }

    static Run runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ReviewCommand.stdinOverride = stdin == null ? null : new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        try {
            int code = InjectorCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
            return new Run(code, out.toString(), err.toString());
        } finally {
            ReviewCommand.stdinOverride = null;
        }
    }

    static Stream<Arguments> examples() throws IOException {
        List<Arguments> rows = new ArrayList<>();
        rows.add(Arguments.of("examples/workloads.yaml"));
        rows.add(Arguments.of("examples/admission-review.json"));
        try (Stream<Path> reviews = Files.list(Path.of("examples/reviews"))) {
            reviews.sorted().forEach(p -> rows.add(Arguments.of(p.toString())));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "every example is evaluated: {0}")
    @MethodSource("examples")
    void everyExampleIsEvaluatedWithExitCodeZero(String example) throws IOException {
        Run text = run("review", "--policy", POLICY, "--secrets", SECRETS, example);
        Run json = run("review", "--policy", POLICY, "--secrets", SECRETS, "--output", "json", example);

        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.err()).isEmpty();
        assertThat(text.out()).contains("Pod(s) reviewed");
        assertThat(json.code()).isZero();
        JsonNode result = JSON.readTree(json.out());
        assertThat(result.path("reviews")).isNotEmpty();
        assertThat(result.path("errors")).isEmpty();
    }

    @Test
    void theWorkloadsExampleSaysWhichCredentialsApplyAndWhyAndWhichDoNot() {
        Run r = run("review", "--policy", POLICY, "--secrets", SECRETS, "examples/workloads.yaml");

        assertThat(r.out())
                .contains("Deployment team-a/web, Pod template spec.template (every Pod it creates)")
                .contains("applies      regcred: image registry.example.com/team-a/migrate:1.4.2 comes from registry.example.com")
                .contains("applies      dockerhub: image nginx:1.27 comes from https://index.docker.io/v1/")
                .contains("[{\"op\":\"add\",\"path\":\"/spec/imagePullSecrets\",\"value\":[{\"name\":\"regcred\"},{\"name\":\"dockerhub\"}]}]")
                .contains("CronJob team-b/report, Pod template spec.jobTemplate.spec.template")
                .contains("skipped      the whole Pod: the Pod has annotation pullsecret-injector.io/inject: \"false\"")
                .contains("skipped      the whole Pod: namespace kube-system is excluded by excludeNamespaces \"kube-system\"")
                .contains("skipped      regcred: no image of the Pod comes from [registry.example.com]")
                .contains("not reviewed a Service has no Pod template")
                .contains("5 Pod(s) reviewed: 1 patched, 4 unchanged; 1 document(s) not reviewed");
    }

    @Test
    void jsonOutputIsMachineReadable() throws IOException {
        Run r = run("review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json", "examples/workloads.yaml");

        JsonNode deployment = JSON.readTree(r.out()).path("reviews").get(0);
        assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
        assertThat(deployment.path("namespace").asText()).isEqualTo("team-a");
        assertThat(deployment.path("podPath").asText()).isEqualTo("spec.template");
        assertThat(deployment.path("skipped").isNull()).isTrue();
        assertThat(deployment.path("applied").get(0).path("credential").asText()).isEqualTo("regcred");
        assertThat(deployment.path("applied").get(0).path("registry").asText()).isEqualTo("registry.example.com");
        assertThat(deployment.path("patch").get(0).path("path").asText()).isEqualTo("/spec/imagePullSecrets");
        assertThat(deployment.path("imagePullSecrets").toString()).isEqualTo("[\"regcred\",\"dockerhub\"]");
        JsonNode optOut = JSON.readTree(r.out()).path("reviews").get(2);
        assertThat(optOut.path("skipped").asText()).contains("pullsecret-injector.io/inject");
        assertThat(JSON.readTree(r.out()).path("notReviewed").get(0).path("object").asText()).isEqualTo("Service/web");
    }

    @Test
    void aManifestWithoutANamespaceIsReviewedInTheNamespaceOption() {
        String pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: registry.example.com/x:1}]}\n";

        Run r = runWithStdin(pod, "review", "--policy", POLICY, "--secrets", SECRETS, "-n", "kube-system", "-");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Pod kube-system/p", "excluded by excludeNamespaces \"kube-system\"");
    }

    @Test
    void withoutSecretsACredentialThatTakesItsRegistriesFromItsSecretCannotBeJudgedAndSaysSo() {
        Run r = run("review", "--policy", POLICY, "examples/reviews/1-dockerhub-pod.json");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("skipped      dockerhub: its registries come from source secret registry-creds/dockerhub, which review cannot see; pass --secrets");
        assertThat(r.out()).contains("warning      pullsecret-injector: credential dockerhub not injected");
    }

    @Test
    void aSourceSecretMissingFromSecretsLeavesItsCredentialOutAsTheWebhookWould() throws IOException {
        Path onlyHub = tmp.resolve("hub.yaml");
        String all = Files.readString(Path.of(SECRETS, "registry-creds.yaml"));
        Files.writeString(onlyHub, all.substring(all.lastIndexOf("apiVersion: v1")));

        Run r = run("review", "--policy", POLICY, "--secrets", onlyHub.toString(), "examples/reviews/2-private-registry-generatename.json");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("skipped      regcred: source secret registry-creds/regcred does not exist", "patch        none");
        assertThat(r.out()).contains("warning      pullsecret-injector: credential regcred not injected");
    }

    @Test
    void anInvalidPolicyExitsOneWithEveryErrorAndItsPath() throws IOException {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, "apiVersion: pullsecret-injector.io/v1alpha1\nkind: InjectionPolicy\nregistryCredentials:\n"
                + "  - existingSecretNamespace: registry-creds\n    registries: [registry.example.com]\n    colour: blue\n");

        Run review = run("review", "--policy", bad.toString(), "examples/workloads.yaml");
        Run check = run("review", "--check-policy", bad.toString());
        Run json = run("review", "--check-policy", bad.toString(), "-o", "json");

        assertThat(review.code()).isEqualTo(1);
        assertThat(review.out()).isEmpty();
        assertThat(review.err()).contains("registryCredentials[0].existingSecret", "registryCredentials[0].colour", "nothing was reviewed");
        assertThat(check.code()).isEqualTo(1);
        assertThat(check.err()).contains(bad + ": registryCredentials[0].existingSecret", bad + ": registryCredentials[0].colour", "invalid (2 errors)");
        assertThat(json.code()).isEqualTo(1);
        assertThat(JSON.readTree(json.out()).path("valid").asBoolean(true)).isFalse();
        assertThat(JSON.readTree(json.out()).path("errors")).hasSize(2);
    }

    @Test
    void checkPolicyAcceptsTheExamplePolicy() {
        Run r = run("review", "--check-policy", POLICY);

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("examples/policy.yaml: valid (2 registry credentials)");
    }

    @Test
    void invalidInputsExitOneWithEveryErrorAndItsPathAndTheValidOnesAreStillReviewed() throws IOException {
        Path broken = tmp.resolve("broken.yaml");
        Files.writeString(broken, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: no-template, namespace: team-a}\nspec: {replicas: 1}\n"
                + "---\napiVersion: v1\nmetadata: {name: no-kind}\n"
                + "---\nkind: Pod\nmetadata: {name: ok, namespace: team-a}\nspec: {containers: [{name: c, image: registry.example.com/x:1}]}\n"
                + "---\nkind: Pod\nmetadata: [unclosed\n");

        Run r = run("review", "--policy", POLICY, "--secrets", SECRETS, broken.toString(), tmp.resolve("missing.yaml").toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains(broken + "#1: spec.template.spec: is required")
                .contains(broken + "#2: kind: is required")
                .contains(broken + "#4: (document): is not valid YAML or JSON")
                .contains("missing.yaml: (file): does not exist")
                .contains("4 invalid input(s)");
        assertThat(r.out()).contains("Pod team-a/ok", "1 Pod(s) reviewed: 1 patched");
    }

    @Test
    void aWrongCommandLineExitsTwoWithUsage() {
        Run noPolicy = run("review", "examples/workloads.yaml");
        Run noManifest = run("review", "--policy", POLICY);
        Run badFormat = run("review", "--policy", POLICY, "-o", "xml", "examples/workloads.yaml");

        assertThat(noPolicy.code()).isEqualTo(2);
        assertThat(noPolicy.err()).contains("--policy is required", "Usage:");
        assertThat(noManifest.code()).isEqualTo(2);
        assertThat(noManifest.err()).contains("give at least one MANIFEST");
        assertThat(badFormat.code()).isEqualTo(2);
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");

        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("review", "demo", "With no arguments: serve the webhook");
    }
}
