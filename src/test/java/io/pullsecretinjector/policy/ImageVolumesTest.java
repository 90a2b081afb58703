package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.pullsecretinjector.patch.PatchOperation;
import io.pullsecretinjector.patch.PodPatch;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An image volume ({@code spec.volumes[].image.reference}) is pulled by the kubelet with the Pod's
 * imagePullSecrets exactly as a container image is, so it counts wherever an image counts: which
 * credentials apply, rewrites to a mirror, and the opt-out annotations.
 */
class ImageVolumesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final InjectionPolicy POLICY = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            registryCredentials:
              - existingSecret: regcred
                existingSecretNamespace: creds
                registries: [registry.example.com]
              - existingSecret: dockerhub
                existingSecretNamespace: creds
                registries: [docker.io]
              - existingSecret: mirror
                existingSecretNamespace: creds
                registries: [mirror.corp.example]
            imageRewrites:
              - from: "*.gcr.io"
                to: mirror.corp.example/gcr/{registry}
            """).policy();
    final PolicyEvaluator evaluator = new PolicyEvaluator("pullsecret-injector");

    /** A Pod as the API server sends it: a public container mounting the volumes, and the volumes. */
    static JsonNode pod(String annotations, String volumes) {
        try {
            return JSON.readTree("""
                    {"metadata": {"generateName": "inference-", "namespace": "team-a", "annotations": {%s}},
                     "spec": {"containers": [{"name": "server", "image": "quay.io/acme/server:2.3",
                                              "volumeMounts": [{"name": "models", "mountPath": "/models", "readOnly": true}]}],
                              "volumes": [{"name": "scratch", "emptyDir": {}}, %s]}}
                    """.formatted(annotations, volumes));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static String volume(String name, String reference) {
        return "{\"name\": \"" + name + "\", \"image\": {\"reference\": \"" + reference + "\", \"pullPolicy\": \"IfNotPresent\"}}";
    }

    Decision decide(JsonNode pod) {
        return evaluator.evaluate(POLICY, "team-a", PodFacts.fromJson(pod), c -> SourceRegistries.Lookup.unavailable("not used"));
    }

    /** The Pod as the API server stores it after the webhook's patch. */
    JsonNode admit(JsonNode pod) {
        PodFacts facts = PodFacts.fromJson(pod);
        Decision d = decide(pod);
        List<String> names = d.applied().stream().map(m -> m.credential().targetSecretName()).toList();
        ArrayNode patch = JSON.createArrayNode();
        for (PatchOperation op : PodPatch.operations(facts, d.rewrites(), names)) {
            patch.addObject().put("op", op.op()).put("path", op.path()).set("value", op.value());
        }
        return JsonPatch.apply(patch, pod);
    }

    static Stream<Arguments> admitted() {
        return Stream.of(
                arguments("a Pod whose only private image is an image volume gets that registry's credential",
                        pod("", volume("models", "registry.example.com/ml/llama-weights:3.1")),
                        (Consumer<JsonNode>) p -> assertThat(p.at("/spec/imagePullSecrets").toString()).isEqualTo("[{\"name\":\"regcred\"}]")),
                arguments("an image volume with a Docker Hub short reference (org/data:1) pulls from Docker Hub",
                        pod("", volume("models", "acme/datasets:1")),
                        (Consumer<JsonNode>) p -> assertThat(p.at("/spec/imagePullSecrets").toString()).isEqualTo("[{\"name\":\"dockerhub\"}]")),
                arguments("an image volume is moved to the mirror and then gets the mirror's credential",
                        pod("", volume("models", "eu.gcr.io/acme/weights:7")),
                        (Consumer<JsonNode>) p -> {
                            assertThat(p.at("/spec/volumes/1/image/reference").asText()).isEqualTo("mirror.corp.example/gcr/eu.gcr.io/acme/weights:7");
                            assertThat(p.at("/spec/volumes/1/image/pullPolicy").asText()).as("untouched").isEqualTo("IfNotPresent");
                            assertThat(p.at("/spec/imagePullSecrets").toString()).isEqualTo("[{\"name\":\"mirror\"}]");
                        }),
                arguments("the rewrite opt-out keeps an image volume as written, and the credential is chosen for it",
                        pod("\"pullsecret-injector.io/rewrite\": \"false\"", volume("models", "eu.gcr.io/acme/weights:7")),
                        (Consumer<JsonNode>) p -> {
                            assertThat(p.at("/spec/volumes/1/image/reference").asText()).isEqualTo("eu.gcr.io/acme/weights:7");
                            assertThat(p.at("/spec/imagePullSecrets").isMissingNode()).isTrue();
                        }),
                arguments("the inject opt-out leaves a Pod with a private image volume untouched",
                        pod("\"pullsecret-injector.io/inject\": \"false\"", volume("models", "registry.example.com/ml/llama-weights:3.1")),
                        (Consumer<JsonNode>) p -> assertThat(p).isEqualTo(pod("\"pullsecret-injector.io/inject\": \"false\"",
                                volume("models", "registry.example.com/ml/llama-weights:3.1")))),
                arguments("volumes that are not image volumes pull nothing",
                        pod("", "{\"name\": \"config\", \"configMap\": {\"name\": \"registry.example.com\"}}"),
                        (Consumer<JsonNode>) p -> assertThat(p.at("/spec/imagePullSecrets").isMissingNode()).isTrue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("admitted")
    void imageVolumesCountAsTheImagesThePodPulls(String sentence, JsonNode pod, Consumer<JsonNode> check) {
        check.accept(admit(pod));
    }

    @Test
    void theCredentialNamesTheImageVolumeItApplied() {
        Decision d = decide(pod("", volume("models", "registry.example.com/ml/llama-weights:3.1")));

        assertThat(d.applied()).singleElement().satisfies(m -> assertThat(m.image()).isEqualTo("registry.example.com/ml/llama-weights:3.1"));
        assertThat(d.notApplied()).extracting(Decision.Miss::reason).allMatch(r -> r.startsWith("no image of the Pod comes from"));
    }

    @Test
    void originalsOfAVolumeAndAContainerWithTheSameNameAreRecordedApart() throws Exception {
        JsonNode pod = JSON.readTree("""
                {"metadata": {"name": "trainer", "namespace": "team-a"},
                 "spec": {"initContainers": [{"name": "data", "image": "eu.gcr.io/acme/loader:1.2"}],
                          "containers": [{"name": "trainer", "image": "registry.example.com/team-a/trainer:4.0"}],
                          "volumes": [{"name": "data", "image": {"reference": "eu.gcr.io/acme/datasets/imagenet", "pullPolicy": "Always"}}]}}
                """);

        JsonNode after = admit(pod);

        assertThat(after.at("/spec/initContainers/0/image").asText()).isEqualTo("mirror.corp.example/gcr/eu.gcr.io/acme/loader:1.2");
        assertThat(after.at("/spec/volumes/0/image/reference").asText()).isEqualTo("mirror.corp.example/gcr/eu.gcr.io/acme/datasets/imagenet");
        JsonNode originals = JSON.readTree(after.at("/metadata/annotations").path(InjectionPolicy.ORIGINAL_IMAGES_ANNOTATION).asText());
        assertThat(originals).isEqualTo(JSON.readTree("""
                {"data": "eu.gcr.io/acme/loader:1.2", "volumes/data": "eu.gcr.io/acme/datasets/imagenet"}"""));
        assertThat(after.at("/spec/imagePullSecrets").toString()).isEqualTo("[{\"name\":\"regcred\"},{\"name\":\"mirror\"}]");
        assertThat(admit(after)).as("a second pass over the stored Pod changes nothing").isEqualTo(after);
    }

    @Test
    void fieldPathsNameTheVolumeAndItsPlaceAmongAllVolumes() {
        PodFacts facts = PodFacts.fromJson(pod("", volume("models", "registry.example.com/ml/llama-weights:3.1")));

        PodFacts.ContainerImage volume = facts.images().get(1);
        assertThat(volume.path()).isEqualTo("spec.volumes[1].image.reference");
        assertThat(volume.pointer()).isEqualTo("/spec/volumes/1/image/reference");
        assertThat(volume.describe()).isEqualTo("image volume models");
        assertThat(facts.images().get(0).path()).isEqualTo("spec.containers[0].image");
        assertThat(facts.images().get(0).describe()).isEqualTo("container server");
    }
}
