package io.pullsecretinjector.admission;

import io.pullsecretinjector.testing.TestTls;
import static io.pullsecretinjector.admission.Reviews.fixture;
import static io.pullsecretinjector.admission.Reviews.inNamespace;
import static io.pullsecretinjector.admission.Reviews.patchedObject;
import static io.pullsecretinjector.admission.Reviews.pullSecretNames;
import static io.pullsecretinjector.admission.Reviews.withUid;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.secrets.copy.ContentHash;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The webhook end to end over HTTPS, against the fabric8 mock API server in CRUD mode. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class PodMutationResourceTest {

    static final String PRIVATE_AUTH = dockerConfig("registry.example.com", "ci-bot", "s3cr3t-private-token");
    static final String HUB_AUTH = dockerConfig("https://index.docker.io/v1/", "hubuser", "s3cr3t-hub-token");

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry metrics;

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @BeforeAll
    static void trustDevCertificate() {
        TestTls.trustTheTestServer();
    }

    @BeforeEach
    void sourceSecretsExist() {
        putSource("regcred", PRIVATE_AUTH);
        putSource("dockerhub", HUB_AUTH);
    }

    @Test
    void theFirstPodInANamespaceGetsThePatchAndTheCopyIsCreatedBeforeTheAnswer() {
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "first-pod");

        JsonNode response = admit(review);

        assertThat(response.path("uid").asText()).isEqualTo("0b4f1c2e-0001-4000-8000-000000000001");
        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("private-regcred");
        Secret copy = client.secrets().inNamespace("first-pod").withName("private-regcred").get();
        assertThat(copy).as("copy in the Pod's namespace").isNotNull();
        assertThat(copy.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
        assertThat(copy.getData()).containsEntry(".dockerconfigjson", PRIVATE_AUTH);
        assertThat(copy.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "pullsecret-injector");
        assertThat(copy.getMetadata().getAnnotations())
                .containsEntry("pullsecret-injector.io/source", "registry-creds/regcred")
                .containsEntry("pullsecret-injector.io/source-hash", ContentHash.of("kubernetes.io/dockerconfigjson", Map.of(".dockerconfigjson", PRIVATE_AUTH)))
                .containsEntry("argocd.argoproj.io/compare-options", "IgnoreExtraneous")
                .containsEntry("argocd.argoproj.io/sync-options", "Prune=false");
    }

    @Test
    void aSecondPodInTheSameNamespaceIsAnsweredWithoutAnyApiCall() {
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "warm");
        admit(review);
        int before = server.getKubernetesMockServer().getRequestCount();

        JsonNode response = admit(withUid(review, "second-pod"));

        assertThat(server.getKubernetesMockServer().getRequestCount()).as("API requests for the second Pod").isEqualTo(before);
        assertThat(response.path("uid").asText()).isEqualTo("second-pod");
        assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("private-regcred");
    }

    @Test
    void aDryRunGetsThePatchButWritesNothing() {
        ObjectNode review = fixture("pod-create-dry-run");

        JsonNode response = admit(review);

        assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("private-regcred");
        assertThat(client.secrets().inNamespace("team-dry").list().getItems()).isEmpty();
    }

    @Test
    void aSecretTheInjectorDidNotMakeIsReferencedAsIsAndNeverOverwritten() {
        Secret mine = new SecretBuilder().withNewMetadata().withName("private-regcred").withNamespace("owned").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", dockerConfig("registry.example.com", "me", "mine"))
                .build();
        client.secrets().inNamespace("owned").resource(mine).create();
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "owned");

        JsonNode response = admit(review);

        assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("private-regcred");
        assertThat(response.path("warnings").toString()).contains("owned/private-regcred already exists", "never overwritten");
        Secret after = client.secrets().inNamespace("owned").withName("private-regcred").get();
        assertThat(after.getData()).isEqualTo(mine.getData());
        assertThat(after.getMetadata().getLabels()).isNullOrEmpty();
    }

    @Test
    void aStaleCopyOfOursIsUpdatedToTheSourceContent() {
        SourceLike stale = new SourceLike("registry-creds/regcred", dockerConfig("registry.example.com", "ci-bot", "old-token"));
        client.secrets().inNamespace("stale").resource(new SecretBuilder().withNewMetadata().withName("private-regcred").withNamespace("stale")
                .addToLabels(ManagedCopy.MANAGED_BY_LABEL, ManagedCopy.MANAGED_BY_VALUE)
                .addToAnnotations(ManagedCopy.SOURCE_ANNOTATION, stale.ref)
                .addToAnnotations(ManagedCopy.HASH_ANNOTATION, ContentHash.of("kubernetes.io/dockerconfigjson", Map.of(".dockerconfigjson", stale.data)))
                .endMetadata().withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", stale.data).build()).create();

        JsonNode response = admit(inNamespace(fixture("pod-create-private-registry-generatename"), "stale"));

        assertThat(response.has("warnings")).isFalse();
        assertThat(client.secrets().inNamespace("stale").withName("private-regcred").get().getData()).containsEntry(".dockerconfigjson", PRIVATE_AUTH);
    }

    @Test
    void aMissingSourceSecretAdmitsThePodWithAWarningThatSaysWhatToDo() {
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "missing-source");
        ((ObjectNode) review.at("/request/object/spec/containers/0")).put("image", "missing.example.com/app:1");

        JsonNode response = admit(review);

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("patchType")).isFalse();
        assertThat(response.path("warnings").get(0).asText())
                .contains("missing-copy not injected", "registry-creds/not-created-yet does not exist", "kubectl create secret docker-registry");
        assertThat(client.secrets().inNamespace("missing-source").list().getItems()).isEmpty();
    }

    @Test
    void twentyConcurrentFirstPodsInOneNamespaceMakeExactlyOneCopy() throws Exception {
        double createdBefore = metrics.counter("pullsecret_injector_copies", "result", "created").count();
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "burst");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Callable<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ObjectNode r = withUid(review, "burst-" + i);
                calls.add(() -> admit(r));
            }
            List<Future<JsonNode>> answers = pool.invokeAll(calls);
            for (int i = 0; i < answers.size(); i++) {
                JsonNode response = answers.get(i).get();
                assertThat(response.path("uid").asText()).isEqualTo("burst-" + i);
                assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("private-regcred");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(metrics.counter("pullsecret_injector_copies", "result", "created").count() - createdBefore).isEqualTo(1.0);
        assertThat(client.secrets().inNamespace("burst").list().getItems()).hasSize(1);
    }

    @Test
    void aV1beta1ReviewIsAnsweredInV1beta1() {
        Response http = post(fixture("pod-create-v1beta1").toString(), "application/json");

        assertThat(http.statusCode()).isEqualTo(200);
        JsonNode body = read(http);
        assertThat(body.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1beta1");
        assertThat(body.path("kind").asText()).isEqualTo("AdmissionReview");
        assertThat(body.path("response").path("uid").asText()).isEqualTo("0b4f1c2e-000a-4000-8000-00000000000a");
    }

    @Test
    void aDockerHubShortNameGetsTheCredentialWhoseAuthsNameDockerHub() {
        ObjectNode review = inNamespace(fixture("pod-create-dockerhub-short-name"), "hub");

        JsonNode response = admit(review);

        assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("dockerhub");
        assertThat(client.secrets().inNamespace("hub").withName("dockerhub").get()).isNotNull();
    }

    @Test
    void aPodWhoseOnlyPrivateImageIsAnImageVolumeGetsTheCredentialAndItsCopy() {
        ObjectNode review = inNamespace(fixture("pod-create-image-volume-generatename"), "models");

        JsonNode response = admit(review);

        assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("private-regcred");
        assertThat(client.secrets().inNamespace("models").withName("private-regcred").get()).isNotNull();
        assertThat(response.has("warnings")).isFalse();
    }

    @Test
    void aRewrittenImageVolumeSentAgainGetsNoPatch() {
        ObjectNode review = inNamespace(fixture("pod-create-image-volume-rewritten"), "reinvoke-volume");
        JsonNode first = admit(review);
        assertThat(patchedObject(review, first).at("/spec/volumes/1/image/reference").asText())
                .isEqualTo("mirror.example.com/gcr/eu.gcr.io/acme/datasets/imagenet");

        JsonNode second = admit(Reviews.reinvoked(review, first));

        assertThat(second.has("patch")).isFalse();
    }

    @Test
    void thePatchedPodSentAgainGetsNoPatch() {
        ObjectNode review = inNamespace(fixture("pod-create-two-registries-init-container"), "reinvoke");
        JsonNode first = admit(review);
        assertThat(pullSecretNames(patchedObject(review, first))).containsExactlyInAnyOrder("private-regcred", "dockerhub");

        JsonNode second = admit(Reviews.reinvoked(review, first));

        assertThat(second.path("allowed").asBoolean()).isTrue();
        assertThat(second.has("patch")).isFalse();
        assertThat(second.has("patchType")).isFalse();
    }

    JsonNode admit(ObjectNode review) {
        Response http = post(review.toString(), "application/json");
        assertThat(http.statusCode()).as(http.asString()).isEqualTo(200);
        JsonNode body = read(http);
        assertThat(body.path("apiVersion").asText()).isEqualTo(review.path("apiVersion").asText());
        return body.path("response");
    }

    Response post(String body, String contentType) {
        return given().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8)).post(mutate);
    }

    static JsonNode read(Response http) {
        try {
            return Reviews.JSON.readTree(http.asByteArray());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void putSource(String name, String config) {
        if (client.namespaces().withName("registry-creds").get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("registry-creds").endMetadata().build()).create();
        }
        client.secrets().inNamespace("registry-creds").resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace("registry-creds").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", config).build()).createOr(op -> op.update());
    }

    static String dockerConfig(String registry, String user, String password) {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        String json = "{\"auths\":{\"" + registry + "\":{\"username\":\"" + user + "\",\"password\":\"" + password + "\",\"auth\":\"" + auth + "\"}}}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    record SourceLike(String ref, String data) {
    }
}
