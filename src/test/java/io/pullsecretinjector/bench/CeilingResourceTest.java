package io.pullsecretinjector.bench;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pullsecretinjector.config.TestConfigs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import jakarta.ws.rs.core.Response;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The benchmark's ceiling endpoint exists only when a bench-only setting turns it on. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class CeilingResourceTest {

    @TestHTTPResource(value = "/bench/ceiling", tls = true)
    URL ceiling;

    @BeforeAll
    static void trustDevCertificate() {
        RestAssured.useRelaxedHTTPSValidation();
    }

    @Test
    void withTheDefaultConfigurationTheCeilingEndpointIsNotFound() throws Exception {
        given().contentType("application/json").body(review()).post(ceiling).then().statusCode(404);
    }

    @Test
    void whenEnabledItParsesTheReviewAndAnswersAConstantAllowedResponse() throws Exception {
        CeilingResource resource = new CeilingResource(TestConfigs.with(Map.of("benchCeilingEndpoint", true)));

        Response ok = resource.ceiling("application/json", review()).toCompletableFuture().join();
        Response notJson = resource.ceiling("application/json", "{not json".getBytes(StandardCharsets.UTF_8)).toCompletableFuture().join();

        assertThat(ok.getStatus()).isEqualTo(200);
        assertThat(new String((byte[]) ok.getEntity(), StandardCharsets.UTF_8)).contains("\"allowed\":true");
        assertThat(notJson.getStatus()).isEqualTo(400);
    }

    private static byte[] review() throws Exception {
        return Files.readAllBytes(Path.of("examples/admission-review.json"));
    }
}
