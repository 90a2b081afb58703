package io.pullsecretinjector.admission;

import io.pullsecretinjector.testing.TestTls;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.response.Response;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input gets a clear error and changes nothing. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BadInputTest {

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry metrics;

    @BeforeAll
    static void trustDevCertificate() {
        TestTls.trustTheTestServer();
    }

    static Stream<Arguments> badRequests() {
        String review = Reviews.fixture("pod-create-private-registry-generatename").toString();
        ObjectNode noRequest = Reviews.fixture("pod-create-private-registry-generatename");
        noRequest.remove("request");
        ObjectNode noUid = Reviews.fixture("pod-create-private-registry-generatename");
        ((ObjectNode) noUid.get("request")).remove("uid");
        ObjectNode wrongVersion = Reviews.fixture("pod-create-private-registry-generatename");
        wrongVersion.put("apiVersion", "admission.k8s.io/v2");
        return Stream.of(
                arguments("malformed JSON is refused with where it broke", "application/json", "{\"apiVersion\": ", "the body is not valid JSON at line 1"),
                arguments("an empty body is refused", "application/json", "", "not a JSON object"),
                arguments("a JSON array is refused", "application/json", "[1,2]", "not a JSON object"),
                arguments("a body that is not an AdmissionReview is refused", "application/json", "{\"kind\":\"Pod\"}", "send an AdmissionReview"),
                arguments("a review without a request is refused", "application/json", noRequest.toString(), "has no request"),
                arguments("a review without a uid is refused", "application/json", noUid.toString(), "request.uid is missing"),
                arguments("an unknown review version is refused", "application/json", wrongVersion.toString(), "apiVersion \"admission.k8s.io/v2\" is not supported"),
                arguments("a YAML content type is refused", "application/yaml", review, "Content-Type is \"application/yaml"),
                arguments("a plain-text content type is refused", "text/plain", review, "send the AdmissionReview as application/json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetA400WithAJsonErrorThatSaysWhatWasWrong(String sentence, String contentType, String body, String message) throws Exception {
        double counted = metrics.counter("pullsecret_injector_bad_requests").count();

        Response http = given().contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8)).post(mutate);

        assertThat(http.statusCode()).isEqualTo(400);
        assertThat(metrics.counter("pullsecret_injector_bad_requests").count()).isEqualTo(counted + 1);
        assertThat(http.contentType()).startsWith("application/json");
        JsonNode error = Reviews.JSON.readTree(http.asByteArray());
        assertThat(error.path("error").asText()).contains(message);
        assertThat(http.asString()).doesNotContain("Exception", "\tat ");
        assertThat(client.secrets().inAnyNamespace().list().getItems()).isEmpty();
    }

    @Test
    void aWrongVersionStillEchoesTheUidItCouldRead() throws Exception {
        ObjectNode review = Reviews.fixture("pod-create-private-registry-generatename");
        review.put("apiVersion", "admission.k8s.io/v2");

        Response http = given().contentType("application/json").body(Reviews.bytes(review)).post(mutate);

        assertThat(Reviews.JSON.readTree(http.asByteArray()).path("uid").asText()).isEqualTo("0b4f1c2e-0001-4000-8000-000000000001");
    }

    @Test
    void aBodyOverSevenMebibytesIsRefusedWith413BeforeItIsSent() throws Exception {
        SSLContext tls = TestTls.trustingAnyServer();
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(mutate.getHost(), mutate.getPort())) {
            socket.setSoTimeout(10_000);
            String head = "POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + (7 * 1024 * 1024 + 1) + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            // only the headers went out: the answer must come without the server waiting for 7 MiB
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            assertThat(status).startsWith("HTTP/1.1 413");
        }
    }

    @Test
    void aContentTypeWithACharsetIsAccepted() {
        Response http = given().contentType("application/json; charset=utf-8")
                .body(Reviews.bytes(Reviews.fixture("pod-update-ignored"))).post(mutate);

        assertThat(http.statusCode()).isEqualTo(200);
    }

    @Test
    void aReviewWhoseObjectIsNotAPodIsAdmittedWithoutAPatch() throws Exception {
        ObjectNode review = Reviews.fixture("pod-create-private-registry-generatename");
        ((ObjectNode) review.at("/request/object")).put("kind", "ConfigMap");

        Response http = given().contentType("application/json").body(Reviews.bytes(review)).post(mutate);

        JsonNode response = Reviews.JSON.readTree(http.asByteArray()).path("response");
        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
    }
}
