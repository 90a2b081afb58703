package io.pullsecretinjector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind that carries a Pod template is reviewed, and the report says where the template was:
 * the built-in workloads at their known path, any other object (custom resources included) at the
 * usual paths when what is there has the shape of a Pod template. The patch is checked by applying
 * it to the template, as the API server would apply it to each Pod made from it.
 */
class ReviewKindsTest {

    static final String POLICY = "src/test/resources/policy/test-policy.yaml";
    static final String SECRETS = "src/test/resources/review/secrets.yaml";

    static final String LEGACY_RC = """
            apiVersion: v1
            kind: ReplicationController
            metadata:
              name: web
              namespace: team-a
            spec:
              replicas: 2
              selector:
                app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/team-a/web:1
            """;

    static String withTemplateAt(String header, String path, String image) {
        StringBuilder yaml = new StringBuilder(header);
        String indent = "";
        for (String part : path.split("\\.")) {
            yaml.append(indent).append(part).append(":\n");
            indent += "  ";
        }
        // a template has labels for its selector; the Pods made from it always have metadata, which a rewrite annotates
        String spec = indent + "metadata:\n" + indent + "  labels: {app: app}\n" + indent + "spec:\n" + indent + "  containers:\n" + indent + "  - name: app\n" + indent + "    image: " + image + "\n";
        return yaml + spec;
    }

    static Stream<Arguments> kinds() {
        return Stream.of(
                Arguments.of("a legacy v1 ReplicationController (spec.selector map) gets the credential of its image",
                        LEGACY_RC,
                        "ReplicationController", "spec.template", false, "(every Pod it creates)",
                        List.of("private-regcred"), "registry.example.com/team-a/web:1"),
                Arguments.of("a PodTemplate is reviewed at its top-level template",
                        withTemplateAt("apiVersion: v1\nkind: PodTemplate\nmetadata: {name: worker, namespace: team-a}\n", "template", "nginx:1.27"),
                        "PodTemplate", "template", false, "(every Pod made from it)", List.of("dockerhub"), "nginx:1.27"),
                Arguments.of("an Argo Rollout is reviewed at spec.template, found by its shape",
                        withTemplateAt("apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: checkout, namespace: team-a}\n",
                                "spec.template", "registry.example.com/shop/checkout:3"),
                        "Rollout", "spec.template", true, "(found at this usual path of a Pod template: every Pod a Rollout creates from it)",
                        List.of("private-regcred"), "registry.example.com/shop/checkout:3"),
                Arguments.of("an OpenKruise CloneSet's image is moved to the mirror as the webhook would move it",
                        withTemplateAt("apiVersion: apps.kruise.io/v1alpha1\nkind: CloneSet\nmetadata: {name: search, namespace: team-b}\n",
                                "spec.template", "eu.gcr.io/acme/search:7"),
                        "CloneSet", "spec.template", true, "every Pod a CloneSet creates from it",
                        List.of(), "mirror.example.com/gcr/eu.gcr.io/acme/search:7"),
                Arguments.of("a custom resource with a job template is reviewed at spec.jobTemplate.spec.template",
                        withTemplateAt("apiVersion: batch.example.com/v1\nkind: ScheduledBackup\nmetadata: {name: nightly, namespace: team-b}\n",
                                "spec.jobTemplate.spec.template", "registry.example.com/tools/backup:1"),
                        "ScheduledBackup", "spec.jobTemplate.spec.template", true, "every Pod a ScheduledBackup creates from it",
                        List.of("private-regcred"), "registry.example.com/tools/backup:1"),
                Arguments.of("a Deployment is still reviewed at its known path",
                        withTemplateAt("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: team-a}\n",
                                "spec.template", "registry.example.com/team-a/web:1"),
                        "Deployment", "spec.template", false, "(every Pod it creates)", List.of("private-regcred"), "registry.example.com/team-a/web:1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void theTemplateIsReviewedAndItsPathNamed(String name, String manifest, String kind, String podPath, boolean byShape, String heading,
                                              List<String> pullSecrets, String image) throws Exception {
        ReviewCommandTest.Run json = ReviewCommandTest.runWithStdin(manifest, "review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json", "-");
        ReviewCommandTest.Run text = ReviewCommandTest.runWithStdin(manifest, "review", "--policy", POLICY, "--secrets", SECRETS, "-");

        assertThat(json.code()).as(json.err()).isZero();
        JsonNode report = ReviewCommandTest.JSON.readTree(json.out());
        assertThat(report.path("reviews")).hasSize(1);
        assertThat(report.path("notReviewed")).isEmpty();
        JsonNode review = report.path("reviews").get(0);
        assertThat(review.path("kind").asText()).isEqualTo(kind);
        assertThat(review.path("podPath").asText()).isEqualTo(podPath);
        assertThat(review.path("foundByShape").asBoolean()).isEqualTo(byShape);
        assertThat(text.out()).contains(kind + " " + review.path("namespace").asText() + "/" + review.path("name").asText()
                + ", Pod template " + podPath + " ").contains(heading);

        JsonNode template = PodTemplates.at(ReviewCommandTest.YAML.readTree(manifest), podPath);
        JsonNode patched = JsonPatch.apply(review.path("patch"), template);
        assertThat(names(patched)).isEqualTo(pullSecrets);
        assertThat(patched.path("spec").path("containers").get(0).path("image").asText()).isEqualTo(image);
        assertThat(review.path("imagePullSecrets").toString()).isEqualTo(ReviewCommandTest.JSON.valueToTree(pullSecrets).toString());
    }

    static Stream<Arguments> notPodTemplates() {
        return Stream.of(
                Arguments.of("a custom resource with no template is not reviewed",
                        "apiVersion: argoproj.io/v1alpha1\nkind: AnalysisTemplate\nmetadata: {name: success-rate}\nspec: {metrics: [{name: rate}]}\n",
                        "AnalysisTemplate/success-rate", "an AnalysisTemplate has no Pod template"),
                Arguments.of("a spec.template without spec.containers is not a Pod template",
                        "apiVersion: apiextensions.crossplane.io/v1\nkind: Composition\nmetadata: {name: bucket}\n"
                                + "spec:\n  template:\n    metadata: {name: x}\n    spec: {size: small}\n",
                        "Composition/bucket", "a Composition has no Pod template (its spec.template has no spec.containers)"),
                Arguments.of("a Service is not reviewed",
                        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n",
                        "Service/web", "a Service has no Pod template"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notPodTemplates")
    void objectsWithoutAPodTemplateAreNotReviewedAndSayWhy(String name, String manifest, String object, String reason) throws Exception {
        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(manifest, "review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json", "-");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = ReviewCommandTest.JSON.readTree(r.out());
        assertThat(report.path("reviews")).isEmpty();
        assertThat(report.path("notReviewed").get(0).path("object").asText()).isEqualTo(object);
        assertThat(report.path("notReviewed").get(0).path("reason").asText()).startsWith(reason);
    }

    static Stream<Arguments> builtInsWithoutTemplate() {
        return Stream.of(
                Arguments.of("a ReplicationController without a template is invalid input",
                        "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec: {replicas: 1, selector: {app: x}}\n",
                        "(stdin)#1: spec.template.spec: is required: a ReplicationController without a Pod template has no images"),
                Arguments.of("a PodTemplate without a template is invalid input",
                        "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: pt}\n",
                        "(stdin)#1: template.spec: is required: a PodTemplate without a Pod template has no images"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builtInsWithoutTemplate")
    void aBuiltInWorkloadWithoutItsTemplateIsAnError(String name, String manifest, String error) {
        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(manifest, "review", "--policy", POLICY, "-");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(error);
    }

    @Test
    void anObjectWithATemplateAtBothUsualPathsIsReviewedAtEach() throws Exception {
        String manifest = withTemplateAt("apiVersion: example.com/v1\nkind: Pipeline\nmetadata: {name: p, namespace: team-a}\n",
                "spec.template", "registry.example.com/a:1")
                + "  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: b\n            image: nginx:1.27\n";

        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(manifest, "review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json", "-");

        JsonNode reviews = ReviewCommandTest.JSON.readTree(r.out()).path("reviews");
        assertThat(reviews).extracting(n -> n.path("podPath").asText()).containsExactly("spec.template", "spec.jobTemplate.spec.template");
        assertThat(reviews).extracting(n -> n.path("imagePullSecrets").toString()).containsExactly("[\"private-regcred\"]", "[\"dockerhub\"]");
    }

    static List<String> names(JsonNode pod) {
        List<String> names = new ArrayList<>();
        pod.path("spec").path("imagePullSecrets").forEach(n -> names.add(n.path("name").asText()));
        return names;
    }
}
