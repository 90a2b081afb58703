package io.pullsecretinjector.cli;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pullsecretinjector.embedded.EmbeddedKubernetesApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The offline answer and the live answer never differ: every recorded review in
 * src/test/resources/admission/ is sent to {@code /mutate} and given to {@code review}, with the
 * same policy and the same source Secrets, and both must give the same patch, the same resulting
 * imagePullSecrets and the same warnings.
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
        RestAssured.useRelaxedHTTPSValidation();
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
        if (fixture.contains("generatename") || fixture.contains("two-registries")) {
            assertThat(livePatch).as("this fixture is patched, so the comparison is not vacuous").isNotEmpty();
        }
        assertThat(result.path("patch")).as("patch").isEqualTo(livePatch);
        assertThat(result.path("imagePullSecrets")).as("imagePullSecrets after the patch")
                .isEqualTo(names(DemoCommand.applyAdds((ObjectNode) review.path("request").path("object").deepCopy(), livePatch)));
        assertThat(result.path("warnings")).as("warnings").isEqualTo(live.has("warnings") ? live.path("warnings") : JSON.createArrayNode());
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
