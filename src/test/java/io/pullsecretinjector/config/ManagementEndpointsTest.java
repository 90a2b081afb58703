package io.pullsecretinjector.config;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Probes and Prometheus reach the injector over plain HTTP on the management port. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ManagementEndpointsTest {

    // management URLs are relative to the management root path, /q

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "health/live", management = true)
    URL live;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Test
    void readinessIsUpAndSaysWhichPolicyIsInForce() {
        assertThat(ready.getProtocol()).isEqualTo("http");
        JsonPath health = given().get(ready).then().statusCode(200).extract().jsonPath();

        assertThat(health.getString("status")).isEqualTo("UP");
        assertThat(health.getString("checks.find { it.name == 'policy' }.data.loadedFrom"))
                .isEqualTo("file src/test/resources/policy/test-policy.yaml");
        assertThat(health.getInt("checks.find { it.name == 'policy' }.data.registryCredentials")).isEqualTo(3);
        // Quarkus' shutdown delay (built in, set by the chart) turns readiness DOWN on SIGTERM through this check.
        assertThat(health.getString("checks.find { it.name == 'Graceful Shutdown' }.status")).isEqualTo("UP");
    }

    @Test
    void livenessIsUp() {
        given().get(live).then().statusCode(200);
    }

    @Test
    void theInjectorsMetricsExistBeforeTheFirstReview() {
        String text = given().get(metrics).then().statusCode(200).extract().asString();

        assertThat(text).contains("pullsecret_injector_reviews_total{outcome=\"patched\"}", "pullsecret_injector_copies_total{result=\"created\"}",
                "pullsecret_injector_review_duration_seconds_bucket", "pullsecret_injector_policy_valid 1.0",
                "pullsecret_injector_policy_last_load_timestamp_seconds");
    }
}
