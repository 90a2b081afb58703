package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.pullsecretinjector.patch.ImagePullSecretsPatch;
import io.pullsecretinjector.patch.ImageRewritePatch;
import io.pullsecretinjector.patch.PatchOperation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One admission pass gives a Pod that pulls from the mirror with the mirror's credential. */
class RewriteAndCredentialTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final InjectionPolicy POLICY = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            registryCredentials:
              - existingSecret: dockerhub
                existingSecretNamespace: creds
                registries: [docker.io]
              - existingSecret: mirror
                existingSecretNamespace: creds
                registries: [mirror.corp.example]
            imageRewrites:
              - from: docker.io
                to: mirror.corp.example/dockerhub
            """).policy();
    final PolicyEvaluator evaluator = new PolicyEvaluator("pullsecret-injector");

    JsonNode pod(String annotations) throws Exception {
        return JSON.readTree("""
                {"metadata": {"generateName": "web-", %s "namespace": "team-a"},
                 "spec": {"initContainers": [{"name": "init", "image": "busybox:1.36"}],
                          "containers": [{"name": "web", "image": "nginx:1.27"}, {"name": "metrics", "image": "quay.io/prom/exporter:1"}]}}
                """.formatted(annotations));
    }

    JsonNode admit(JsonNode pod) {
        PodFacts facts = PodFacts.fromJson(pod);
        Decision d = evaluator.evaluate(POLICY, "team-a", facts, c -> SourceRegistries.Lookup.unavailable("not used"));
        List<PatchOperation> ops = new ArrayList<>(ImageRewritePatch.operations(facts, d.rewrites()));
        ops.addAll(ImagePullSecretsPatch.operations(facts.imagePullSecrets(), d.applied().stream().map(m -> m.credential().targetSecretName()).toList()));
        ArrayNode patch = JSON.createArrayNode();
        ops.forEach(op -> patch.addObject().put("op", op.op()).put("path", op.path()).set("value", op.value()));
        return JsonPatch.apply(patch, pod);
    }

    @Test
    void thePodPullsFromTheMirrorWithTheMirrorsCredentialAndTheOriginalsAreRecorded() throws Exception {
        JsonNode after = admit(pod(""));

        assertThat(after.at("/spec/initContainers/0/image").asText()).isEqualTo("mirror.corp.example/dockerhub/library/busybox:1.36");
        assertThat(after.at("/spec/containers/0/image").asText()).isEqualTo("mirror.corp.example/dockerhub/library/nginx:1.27");
        assertThat(after.at("/spec/containers/1/image").asText()).isEqualTo("quay.io/prom/exporter:1");
        assertThat(after.at("/spec/imagePullSecrets").toString()).isEqualTo("[{\"name\":\"mirror\"}]");
        JsonNode originals = JSON.readTree(after.at("/metadata/annotations").path(InjectionPolicy.ORIGINAL_IMAGES_ANNOTATION).asText());
        assertThat(originals.path("init").asText()).isEqualTo("busybox:1.36");
        assertThat(originals.path("web").asText()).isEqualTo("nginx:1.27");
        assertThat(originals.has("metrics")).isFalse();
    }

    @Test
    void aSecondPassOverThePatchedPodChangesNothing() throws Exception {
        JsonNode once = admit(pod(""));

        assertThat(admit(once)).isEqualTo(once);
    }

    @Test
    void existingAnnotationsAreKept() throws Exception {
        JsonNode after = admit(pod("\"annotations\": {\"team\": \"web\"},"));

        assertThat(after.at("/metadata/annotations/team").asText()).isEqualTo("web");
        assertThat(after.at("/metadata/annotations").has(InjectionPolicy.ORIGINAL_IMAGES_ANNOTATION)).isTrue();
    }

    @Test
    void theRewriteOptOutKeepsImagesAndInjectsForWhatThePodPulls() throws Exception {
        JsonNode after = admit(pod("\"annotations\": {\"pullsecret-injector.io/rewrite\": \"false\"},"));

        assertThat(after.at("/spec/containers/0/image").asText()).isEqualTo("nginx:1.27");
        assertThat(after.at("/spec/imagePullSecrets").toString()).isEqualTo("[{\"name\":\"dockerhub\"}]");
        assertThat(after.at("/metadata/annotations").has(InjectionPolicy.ORIGINAL_IMAGES_ANNOTATION)).isFalse();
    }
}
