package io.pullsecretinjector.cli;

import io.pullsecretinjector.testing.TestTls;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pullsecretinjector.embedded.EmbeddedKubernetesApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The offline answer and the live answer never differ: every recorded review in
 * src/test/resources/admission/ is sent to {@code /mutate} and given to {@code review}, with the
 * same policy and the same source Secrets, and both must give the same patch, the same resulting
 * imagePullSecrets and the same warnings ({@code demo} must show the Pod as the patch leaves it,
 * image rewrites included). Likewise every Pod template of the review tests'
 * manifests (built-in workloads, ReplicationControllers, PodTemplates, custom resources): the Pod
 * a controller would make from it gets from {@code /mutate} exactly the patch review gives the template.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ReviewMatchesWebhookTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String POLICY = "src/test/resources/policy/test-policy.yaml";

    @Inject
    KubernetesClient client;

    @Inject
    EmbeddedKubernetesApi embedded;

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TempDir
    static Path secretsDir;

    @BeforeAll
    static void trustTestCertificate() {
        TestTls.trustTheTestServer();
    }

    @BeforeEach
    void theSameSourceSecretsLiveAndOffline() throws IOException {
        List<Secret> sources = List.of(
                source("regcred", dockerConfig("registry.example.com")),
                source("dockerhub", dockerConfig("https://index.docker.io/v1/")));
        if (client.namespaces().withName("registry-creds").get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("registry-creds").endMetadata().build()).create();
        }
        for (Secret s : sources) {
            client.secrets().inNamespace("registry-creds").resource(s).createOr(op -> op.update());
            Files.writeString(secretsDir.resolve(s.getMetadata().getName() + ".yaml"), Serialization.asYaml(s));
        }
    }

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/admission"))) {
            return files.map(Path::toString).filter(f -> f.endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "review gives the webhook''s answer for {0}")
    @MethodSource("fixtures")
    void reviewGivesTheWebhooksAnswer(String fixture) throws IOException {
        JsonNode review = JSON.readTree(Path.of(fixture).toFile());
        JsonNode live = JSON.readTree(given().contentType("application/json").body(review.toString().getBytes(StandardCharsets.UTF_8))
                .post(mutate).asByteArray()).path("response");
        JsonNode livePatch = live.has("patch") ? JSON.readTree(Base64.getDecoder().decode(live.path("patch").asText())) : JSON.createArrayNode();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = InjectorCommand.execute(new String[] {"review", "--policy", POLICY, "--secrets", secretsDir.toString(), "-o", "json", fixture},
                new PrintWriter(out, true), new PrintWriter(err, true));

        assertThat(code).as(err.toString()).isZero();
        JsonNode offline = JSON.readTree(out.toString());
        if (offline.path("reviews").isEmpty()) {
            // not a Pod CREATE: the webhook admits it untouched, review says it is not reviewed
            assertThat(offline.path("notReviewed")).hasSize(1);
            assertThat(live.path("allowed").asBoolean()).isTrue();
            assertThat(live.has("patch")).isFalse();
            return;
        }
        JsonNode result = offline.path("reviews").get(0);
        if (fixture.contains("generatename") || fixture.contains("two-registries") || fixture.contains("rewritten")) {
            assertThat(livePatch).as("this fixture is patched, so the comparison is not vacuous").isNotEmpty();
        }
        JsonNode pod = review.path("request").path("object");
        JsonNode patched = JsonPatch.apply(livePatch, pod);
        if (fixture.endsWith("pod-create-rewritten-image.json")) {
            assertThat(patched.path("spec").path("containers").get(1).path("image").asText())
                    .as("the rewrite rule moved the image, so the comparison covers rewrites")
                    .isEqualTo("mirror.example.com/gcr/eu.gcr.io/acme/exporter:2.1");
        }
        if (fixture.endsWith("pod-create-image-volume-rewritten.json")) {
            assertThat(patched.at("/spec/volumes/1/image/reference").asText())
                    .as("the rewrite rule moved the image volume, so the comparison covers image volumes")
                    .isEqualTo("mirror.example.com/gcr/eu.gcr.io/acme/datasets/imagenet");
        }
        if (fixture.endsWith("pod-create-image-volume-generatename.json")) {
            assertThat(names(patched)).as("the image volume is the Pod's only private image, so the comparison covers it")
                    .containsExactly(JSON.getNodeFactory().textNode("private-regcred"));
        }
        assertThat(result.path("patch")).as("patch").isEqualTo(livePatch);
        assertThat(result.path("imagePullSecrets")).as("imagePullSecrets after the patch").isEqualTo(names(patched));
        assertThat(PatchedPod.apply((ObjectNode) pod.deepCopy(), livePatch)).as("the Pod as demo shows it after the patch").isEqualTo(patched);
        assertThat(result.path("warnings")).as("warnings").isEqualTo(live.has("warnings") ? live.path("warnings") : JSON.createArrayNode());
    }

    /** Every Pod template of the manifests written for the review tests: built-in workloads, custom resources, legacy RCs. */
    static Stream<Arguments> templates() {
        Manifests read = new Manifests("default");
        for (String m : List.of("src/test/resources/review/kinds.yaml", "src/test/resources/review/guestbook",
                "src/test/resources/review/golden/rollout.yaml", "examples/workloads.yaml")) {
            read.read(m, InputStream.nullInputStream());
        }
        return read.targets().stream().filter(t -> !t.podPath().equals("(document)")).map(t -> Arguments.of(
                t.kind() + " " + t.namespace() + "/" + t.name() + " at " + t.podPath() + " (" + t.source() + ")", t));
    }

    @ParameterizedTest(name = "a Pod made from {0} gets from the webhook the patch review gives its template")
    @MethodSource("templates")
    void aPodMadeFromATemplateGetsThePatchReviewGivesTheTemplate(String name, Manifests.Target target) throws IOException {
        ObjectNode pod = podFrom(target);
        JsonNode live = JSON.readTree(given().contentType("application/json").body(podCreate(pod, target.namespace()).getBytes(StandardCharsets.UTF_8))
                .post(mutate).asByteArray()).path("response");
        JsonNode livePatch = live.has("patch") ? JSON.readTree(Base64.getDecoder().decode(live.path("patch").asText())) : JSON.createArrayNode();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = InjectorCommand.execute(new String[] {"review", "--policy", POLICY, "--secrets", secretsDir.toString(), "-o", "json", target.file()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        JsonNode offline = null;
        for (JsonNode r : JSON.readTree(out.toString()).path("reviews")) {
            if (r.path("source").asText().equals(target.source()) && r.path("podPath").asText().equals(target.podPath())) {
                offline = r;
            }
        }

        assertThat(code).as(err.toString()).isZero();
        assertThat(offline).as("review reports the template").isNotNull();
        assertThat(live.path("allowed").asBoolean()).isTrue();
        assertThat(offline.path("patch")).as("patch").isEqualTo(livePatch);
        JsonNode patched = JsonPatch.apply(livePatch, pod);
        assertThat(offline.path("imagePullSecrets")).as("imagePullSecrets after the patch").isEqualTo(names(patched));
        assertThat(warnedCredentials(offline.path("warnings"))).as("credentials warned about")
                .isEqualTo(warnedCredentials(live.path("warnings")));
    }

    /** The Pod a controller creates from the template: its metadata and spec, a generateName, the workload's namespace. */
    static ObjectNode podFrom(Manifests.Target target) {
        ObjectNode pod = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = target.pod().path("metadata").isObject() ? (ObjectNode) target.pod().path("metadata").deepCopy() : JSON.createObjectNode();
        metadata.put("generateName", target.name() + "-").put("namespace", target.namespace());
        pod.set("metadata", metadata);
        pod.set("spec", target.pod().path("spec").deepCopy());
        return pod;
    }

    static String podCreate(ObjectNode pod, String namespace) {
        ObjectNode review = JSON.createObjectNode().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
        ObjectNode request = review.putObject("request").put("uid", UUID.randomUUID().toString());
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "Pod");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "pods");
        request.put("namespace", namespace).put("operation", "CREATE").put("dryRun", false);
        request.putObject("userInfo").put("username", "system:serviceaccount:kube-system:replication-controller");
        request.set("object", pod);
        return review.toString();
    }

    /**
     * The credentials named by warnings ("credential X not injected"): which credentials are warned
     * about must agree; the wording of why may not, since offline a missing source Secret is one
     * missing from --secrets, live one missing from the cluster.
     */
    static List<String> warnedCredentials(JsonNode warnings) {
        List<String> names = new ArrayList<>();
        warnings.forEach(w -> {
            Matcher m = Pattern.compile("credential (\\S+) not injected").matcher(w.asText());
            names.add(m.find() ? m.group(1) : w.asText());
        });
        return names;
    }

    @Test
    void aConfiguredApiMeansTheEmbeddedOneIsNeverStarted() {
        assertThat(embedded.active()).as(embedded.choice().reason()).isFalse();
        assertThat(embedded.choice().reason()).contains("kubernetes.master");
    }

    static ArrayNode names(JsonNode pod) {
        ArrayNode names = JSON.createArrayNode();
        pod.path("spec").path("imagePullSecrets").forEach(r -> names.add(r.path("name").asText()));
        return names;
    }

    static Secret source(String name, String config) {
        return new SecretBuilder().withNewMetadata().withName(name).withNamespace("registry-creds").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", config).build();
    }

    static String dockerConfig(String registry) {
        String json = "{\"auths\":{\"" + registry + "\":{\"username\":\"u\",\"password\":\"p\",\"auth\":\"dTpw\"}}}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

}
