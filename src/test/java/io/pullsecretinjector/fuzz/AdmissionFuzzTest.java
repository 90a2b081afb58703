package io.pullsecretinjector.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.admission.PodMutationHandler;
import io.pullsecretinjector.admission.PodMutationResource;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.config.TestConfigs;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.secrets.api.FakeSecretApi;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Raw bytes into {@code POST /mutate} (the resource and handler as wired in production, over an
 * in-memory API), checking the invariants of issue 7 on every answer. {@code ./mvnw test} replays
 * the saved corpus in {@code src/test/resources/io/pullsecretinjector/fuzz/AdmissionFuzzTestInputs/};
 * {@code make fuzz} runs it coverage-guided for {@code FUZZ_TIME}.
 */
class AdmissionFuzzTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final PodMutationResource RESOURCE = resource();

    static PodMutationResource resource() {
        FakeSecretApi api = new FakeSecretApi();
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", dockerConfig("registry.example.com")).build());
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("dockerhub").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", dockerConfig("https://index.docker.io/v1/")).build());
        InjectorConfig config = TestConfigs.defaults();
        PolicyStore store = new PolicyStore();
        try {
            store.apply(Files.readString(Path.of("src/test/resources/policy/test-policy.yaml")), "test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        PodMutationHandler handler = io.pullsecretinjector.admission.TestHandlers.create(store, api, config, metrics);
        return new PodMutationResource(handler);
    }

    static String dockerConfig(String registry) {
        String json = "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + Base64.getEncoder().encodeToString("fuzz:fuzz-pw".getBytes(StandardCharsets.UTF_8)) + "\"}}}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @FuzzTest(maxDuration = "5m")
    void reviewBytes(byte[] body) throws Exception {
        Response http = post(body);
        byte[] entity = (byte[]) http.getEntity();
        JsonNode answer = JSON.readTree(entity);
        if (http.getStatus() != 200) {
            assertThat(http.getStatus()).as("an error is a 4xx").isBetween(400, 499);
            assertThat(answer.path("error").isTextual()).as("a 4xx carries a JSON error: %s", answer).isTrue();
            return;
        }
        assertThat(answer.path("kind").asText()).isEqualTo("AdmissionReview");
        assertThat(answer.path("response").path("allowed").isBoolean()).isTrue();
        JsonNode review;
        try {
            review = JSON.readTree(body);
        } catch (IOException e) {
            // Jackson may accept bytes it refuses on a second read (invalid UTF-8 in a field name, see the
            // corpus entry invalid-utf8-in-a-field-name); the API server never sends those, the envelope checks suffice
            return;
        }
        assertThat(answer.path("apiVersion").asText()).isEqualTo(review.path("apiVersion").asText());
        JsonNode response = answer.path("response");
        assertThat(response.path("uid").asText()).isEqualTo(review.path("request").path("uid").asText());
        assertThat(response.path("allowed").isBoolean()).isTrue();
        if (!response.has("patch")) {
            assertThat(response.has("patchType")).as("patchType only with a patch").isFalse();
            return;
        }
        assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
        JsonNode pod = review.path("request").path("object");
        JsonNode patched = JsonPatch.apply(patch, pod); // throws when the patch does not apply cleanly
        assertNoDuplicateAdded(pod, patched);

        ObjectNode again = review.deepCopy();
        ((ObjectNode) again.get("request")).set("object", patched);
        Response second = post(JSON.writeValueAsBytes(again));
        assertThat(second.getStatus()).isEqualTo(200);
        JsonNode secondResponse = JSON.readTree((byte[]) second.getEntity()).path("response");
        assertThat(secondResponse.has("patch")).as("a second review of the patched Pod gives no patch: %s", secondResponse).isFalse();
    }

    static Response post(byte[] body) throws Exception {
        // never an exception out of the resource: get() rethrows one as ExecutionException
        return RESOURCE.mutate("application/json", body).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** No name the patch added appears twice (names the Pod itself already repeated are its own business). */
    static void assertNoDuplicateAdded(JsonNode pod, JsonNode patched) {
        Map<String, Integer> before = counts(pod);
        Map<String, Integer> after = counts(patched);
        after.forEach((name, n) -> {
            int had = before.getOrDefault(name, 0);
            if (n > had) {
                assertThat(n).as("imagePullSecrets name %s after patching %s", name, patched.path("spec").path("imagePullSecrets")).isEqualTo(1);
            }
        });
    }

    static Map<String, Integer> counts(JsonNode pod) {
        Map<String, Integer> counts = new HashMap<>();
        JsonNode list = pod.path("spec").path("imagePullSecrets");
        if (list.isArray()) {
            list.forEach(ref -> counts.merge(ref.path("name").asText(""), 1, Integer::sum));
        }
        return counts;
    }
}
