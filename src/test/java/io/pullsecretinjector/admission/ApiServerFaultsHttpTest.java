package io.pullsecretinjector.admission;

import io.pullsecretinjector.testing.Await;
import io.pullsecretinjector.testing.TestTls;
import static io.pullsecretinjector.admission.Reviews.fixture;
import static io.pullsecretinjector.admission.Reviews.inNamespace;
import static io.pullsecretinjector.admission.Reviews.patchedObject;
import static io.pullsecretinjector.admission.Reviews.pullSecretNames;
import static io.pullsecretinjector.admission.Reviews.withUid;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pullsecretinjector.testing.SecretLeakGuard;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7, API-server faults, end to end: the webhook over HTTPS with the real fabric8 client
 * against the mock API server scripted to fail once (500, 403, 409, 429 with Retry-After, slower
 * than the 2 s budget). Each review is answered within the budget, allowed, with a warning; the
 * next review copies as usual.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ApiServerFaultsHttpTest {

    static final Duration BUDGET = Duration.ofSeconds(2); // injector.api-budget default

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @BeforeAll
    static void trustDevCertificate() {
        TestTls.trustTheTestServer();
    }

    @BeforeEach
    void sourcesExist() {
        if (client.namespaces().withName("registry-creds").get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("registry-creds").endMetadata().build()).create();
        }
        for (String[] s : new String[][] {{"regcred", PodMutationResourceTest.PRIVATE_AUTH}, {"dockerhub", PodMutationResourceTest.HUB_AUTH}}) {
            client.secrets().inNamespace("registry-creds").resource(new SecretBuilder().withNewMetadata().withName(s[0]).withNamespace("registry-creds")
                    .endMetadata().withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", s[1]).build()).createOr(op -> op.update());
        }
    }

    static String copyPath(String ns) {
        return "/api/v1/namespaces/" + ns + "/secrets/private-regcred";
    }

    static String createPath(String ns) {
        return "/api/v1/namespaces/" + ns + "/secrets";
    }

    static String status(int code, String reason) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"code\":" + code + ",\"reason\":\"" + reason + "\",\"message\":\"scripted\"}";
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                arguments("a 500 on creating the copy", "h500", (Consumer<KubernetesServer>) s -> s.expect().post().withPath(createPath("h500"))
                        .andReturn(500, status(500, "InternalError")).once(), List.of("the Kubernetes API failed (500) on create secret h500/private-regcred")),
                arguments("a 403 on creating the copy", "h403", (Consumer<KubernetesServer>) s -> s.expect().post().withPath(createPath("h403"))
                        .andReturn(403, status(403, "Forbidden")).once(),
                        List.of("may not create secret h403/private-regcred (403 Forbidden)", "grant its ServiceAccount 'create' on secrets in namespace h403")),
                arguments("a 409 on creating the copy", "h409", (Consumer<KubernetesServer>) s -> s.expect().post().withPath(createPath("h409"))
                        .andReturn(409, status(409, "AlreadyExists")).once(), List.of("(409)")),
                arguments("a 429 with Retry-After on creating the copy", "h429", (Consumer<KubernetesServer>) s -> s.expect().post().withPath(createPath("h429"))
                        .andReturn(429, status(429, "TooManyRequests")).withHeader("Retry-After", "1").once(),
                        List.of("throttling the injector (429) on create secret h429/private-regcred")),
                arguments("an API server slower than the budget", "hslow", (Consumer<KubernetesServer>) s -> s.expect().post().delay(3, TimeUnit.SECONDS)
                        .withPath(createPath("hslow")).andReturn(504, status(504, "Timeout")).once(), List.of("within the injector's budget")));
    }

    @ParameterizedTest(name = "{0}: answered within the budget with a warning; the next Pod gets its copy")
    @MethodSource("faults")
    void aFaultyApiServerNeverHoldsUpAReview(String fault, String namespace, Consumer<KubernetesServer> script, List<String> warning) throws Exception {
        script.accept(server);
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), namespace);
        long logged = SecretLeakGuard.recordsSeen();

        long start = System.nanoTime();
        JsonNode during = admit(withUid(review, namespace + "-during"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("answered within the budget").isLessThan(BUDGET.plusMillis(700));
        assertThat(during.path("allowed").asBoolean()).isTrue();
        assertThat(during.has("patch")).isFalse();
        assertThat(during.path("warnings").toString()).contains(warning);
        assertThat(SecretLeakGuard.leaks(during.toString())).isFalse();
        assertThat(SecretLeakGuard.recordsSeen()).as("the app's warning log line reached the leak guard").isGreaterThan(logged);

        AtomicReference<JsonNode> after = new AtomicReference<>();
        Await.until("a review after the API recovered gets its patch", () -> {
            after.set(admit(withUid(review, namespace + "-after")));
            return after.get().has("patch");
        });
        assertThat(pullSecretNames(patchedObject(review, after.get()))).as(after.get().toString()).containsExactly("private-regcred");
        assertThat(client.secrets().inNamespace(namespace).withName("private-regcred").get()).isNotNull();
    }

    @Test
    void noMetricCarriesSecretData() {
        String text = given().get(metrics).then().statusCode(200).extract().asString();

        assertThat(text).contains("pullsecret_injector_reviews_total");
        assertThat(SecretLeakGuard.leaks(text)).isFalse();
    }

    JsonNode admit(ObjectNode review) {
        Response http = given().contentType("application/json").body(review.toString().getBytes(StandardCharsets.UTF_8)).post(mutate);
        assertThat(http.statusCode()).as(http.asString()).isEqualTo(200);
        return PodMutationResourceTest.read(http).path("response");
    }
}
