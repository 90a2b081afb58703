package io.pullsecretinjector.secrets.rescue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The eviction as the API server receives it, and how each of its answers is read. */
@EnableKubernetesMockClient(https = false)
class KubernetesPodEvictionsTest {

    static final String PATH = "/api/v1/namespaces/team-a/pods/web-1/eviction";

    KubernetesClient client;
    KubernetesMockServer server;

    /** As the injector's client is configured (quarkus.kubernetes-client.request-retry-backoff-limit=0): a 429 or 5xx is not retried inside the call. */
    PodEvictions evictions() {
        noRetries = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
        return new KubernetesPodEvictions(noRetries);
    }

    KubernetesClient noRetries;

    @AfterEach
    void close() {
        noRetries.close();
    }

    @Test
    void theEvictionNamesTheJudgedPodByUidAndResourceVersion() throws Exception {
        server.expect().post().withPath(PATH).andReturn(201, new StatusBuilder().withStatus("Success").build()).once();

        PodEvictions.Result result = evictions().evict("team-a", "web-1", "uid-1", "41");

        assertThat(result.outcome()).isEqualTo(PodEvictions.Outcome.EVICTED);
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        JsonNode body = new ObjectMapper().readTree(request.getBody().readUtf8());
        assertThat(body.path("apiVersion").asText()).isEqualTo("policy/v1");
        assertThat(body.path("kind").asText()).isEqualTo("Eviction");
        assertThat(body.at("/metadata/name").asText()).isEqualTo("web-1");
        assertThat(body.at("/deleteOptions/preconditions/uid").asText()).isEqualTo("uid-1");
        assertThat(body.at("/deleteOptions/preconditions/resourceVersion").asText()).isEqualTo("41");
        assertThat(body.at("/deleteOptions/gracePeriodSeconds").isMissingNode()).as("the Pod's own grace period applies").isTrue();
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                arguments("429: a PodDisruptionBudget holds it back, to be tried again", 429, PodEvictions.Outcome.REFUSED,
                        "a PodDisruptionBudget does not allow it"),
                arguments("404: the Pod is gone already", 404, PodEvictions.Outcome.GONE, null),
                arguments("409: the Pod changed since it was judged", 409, PodEvictions.Outcome.CHANGED, null),
                arguments("403: the RBAC the chart renders with rescue.enabled is missing", 403, PodEvictions.Outcome.FAILED,
                        "grant its ServiceAccount 'create' on pods/eviction"),
                arguments("500: the API server failed", 500, PodEvictions.Outcome.FAILED, "answered 500 on evicting pod team-a/web-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void eachAnswerOfTheApiServerHasItsOutcome(String sentence, int code, PodEvictions.Outcome outcome, String problem) {
        server.expect().post().withPath(PATH).andReturn(code, new StatusBuilder().withStatus("Failure").withCode(code)
                .withMessage("Cannot evict pod as it would violate the pod's disruption budget.").build()).once();

        PodEvictions.Result result = evictions().evict("team-a", "web-1", "uid-1", "41");

        assertThat(result.outcome()).isEqualTo(outcome);
        if (problem == null) {
            assertThat(result.problem()).isNull();
        } else {
            assertThat(result.problem()).contains(problem);
        }
    }
}
