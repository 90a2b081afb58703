package io.pullsecretinjector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** {@code review --images}: the list of images to mirror, built offline from rendered manifests. */
class ReviewImagesTest {

    @Test
    void everyImageOfAMultiDocumentManifestIsListedOnceNormalisedIncludingInitContainersAndCronJobs() {
        ReviewCommandTest.Run run = ReviewCommandTest.run("review", "--images", "examples/workloads.yaml");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out().lines()).containsExactly(
                "docker.io/library/busybox:1.36",
                "docker.io/library/nginx:1.27",
                "quay.io/prometheus/prometheus:v2.53.0",
                "registry.example.com/team-a/migrate:1.4.2",
                "registry.example.com/team-a/web:1.4.2",
                "registry.example.com/team-b/metrics:2.1",
                "registry.example.com/team-b/report:0.9");
    }

    @Test
    void helmTemplateOutputCanBePipedInAndJsonSaysWhereEachImageWasSeen() throws Exception {
        String rendered = """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: nightly, namespace: jobs}
                spec:
                  schedule: "0 1 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          initContainers: [{name: wait, image: "busybox"}]
                          containers: [{name: job, image: "eu.gcr.io/proj/job@sha256:%s"}]
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db}
                spec:
                  template:
                    spec:
                      containers: [{name: db, image: "docker.io/library/busybox:latest"}]
                """.formatted("c".repeat(64));

        ReviewCommandTest.Run run = ReviewCommandTest.runWithStdin(rendered, "review", "--images", "-o", "json", "-");

        assertThat(run.code()).as(run.err()).isZero();
        JsonNode images = ReviewCommandTest.JSON.readTree(run.out()).path("images");
        assertThat(images).hasSize(2);
        assertThat(images.get(0).path("image").asText()).isEqualTo("docker.io/library/busybox:latest");
        assertThat(images.get(0).path("count").asInt()).isEqualTo(2);
        assertThat(images.get(0).path("references").toString()).isEqualTo("[\"busybox\",\"docker.io/library/busybox:latest\"]");
        assertThat(images.get(0).path("namespaces").toString()).isEqualTo("[\"jobs\",\"default\"]");
        assertThat(images.get(1).path("image").asText()).isEqualTo("eu.gcr.io/proj/job@sha256:" + "c".repeat(64));
    }

    @Test
    void imageVolumesAreListedWithTheContainersImages() throws Exception {
        String rendered = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: inference, namespace: ml}
                spec:
                  template:
                    spec:
                      containers: [{name: server, image: "quay.io/acme/server:2.3", volumeMounts: [{name: models, mountPath: /models}]}]
                      volumes:
                        - {name: cache, emptyDir: {}}
                        - {name: models, image: {reference: "registry.example.com/ml/llama-weights:3.1", pullPolicy: IfNotPresent}}
                        - {name: tools, image: {reference: "acme/toolbox"}}
                """;

        ReviewCommandTest.Run run = ReviewCommandTest.runWithStdin(rendered, "review", "--images", "-");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out().lines()).containsExactly(
                "docker.io/acme/toolbox:latest",
                "quay.io/acme/server:2.3",
                "registry.example.com/ml/llama-weights:3.1");
    }

    @Test
    void yamlIsTheSameDocumentAsJsonForTheImagesAndForAPolicyCheck() throws Exception {
        ReviewCommandTest.Run json = ReviewCommandTest.run("review", "--images", "-o", "json", "examples/workloads.yaml");
        ReviewCommandTest.Run yaml = ReviewCommandTest.run("review", "--images", "-o", "yaml", "examples/workloads.yaml");
        ReviewCommandTest.Run checkJson = ReviewCommandTest.run("review", "--check-policy", "examples/policy.yaml", "-o", "json");
        ReviewCommandTest.Run checkYaml = ReviewCommandTest.run("review", "--check-policy", "examples/policy.yaml", "-o", "yaml");

        assertThat(yaml.code()).isZero();
        assertThat(ReviewCommandTest.YAML.readTree(yaml.out())).isEqualTo(ReviewCommandTest.JSON.readTree(json.out()));
        assertThat(ReviewCommandTest.YAML.readTree(yaml.out()).path("images")).hasSize(7);
        assertThat(ReviewCommandTest.YAML.readTree(checkYaml.out())).isEqualTo(ReviewCommandTest.JSON.readTree(checkJson.out()));
    }

    @Test
    void imagesWithoutAManifestIsAUsageError() {
        assertThat(ReviewCommandTest.run("review", "--images").code()).isEqualTo(2);
    }
}
