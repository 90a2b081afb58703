package io.pullsecretinjector.admission;

import static io.pullsecretinjector.admission.Reviews.fixture;
import static io.pullsecretinjector.admission.Reviews.inNamespace;
import static io.pullsecretinjector.admission.Reviews.patchedObject;
import static io.pullsecretinjector.admission.Reviews.pullSecretNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.config.TestConfigs;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.secrets.api.FakeSecretApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The handler on its own, with an in-memory API that records (or refuses) every call. */
class PodMutationHandlerTest {

    static final String PRIVATE = PodMutationResourceTest.dockerConfig("registry.example.com", "bot", "pw");
    static final String HUB = PodMutationResourceTest.dockerConfig("https://index.docker.io/v1/", "bot", "pw");

    final FakeSecretApi api = new FakeSecretApi();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    PodMutationHandler handler(InjectorConfig config) throws Exception {
        PolicyStore store = new PolicyStore();
        store.apply(Files.readString(Path.of("src/test/resources/policy/test-policy.yaml")), "test");
        return TestHandlers.create(store, api, config, metrics);
    }

    JsonNode answer(PodMutationHandler handler, ObjectNode review) throws Exception {
        return Reviews.answer(handler.handle(ReviewDecoder.decode(Reviews.bytes(review)))).get(10, TimeUnit.SECONDS);
    }

    void sourcesExist() {
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", PRIVATE).build());
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("dockerhub").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", HUB).build());
    }

    static Stream<Arguments> noCallPaths() {
        return Stream.of(
                arguments("an UPDATE is admitted untouched", "pod-update-ignored"),
                arguments("a Deployment is admitted untouched", "deployment-create-ignored"),
                arguments("a Pod in an excluded namespace is admitted untouched", "pod-create-excluded-namespace"),
                arguments("a Pod in a namespace matching an excluded glob is admitted untouched", "pod-create-legacy-namespace-glob"),
                arguments("a Pod in the injector's own namespace is admitted untouched", "pod-create-injector-namespace"),
                arguments("a Pod that opted out is admitted untouched", "pod-create-opt-out-annotation"),
                arguments("a mirror Pod from the kubelet is admitted untouched", "pod-create-mirror-pod"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("noCallPaths")
    void earlyReturnsMakeNoApiCallAtAll(String sentence, String fixture) throws Exception {
        api.failWith = call -> {
            throw new AssertionError("unexpected API call: " + call);
        };

        JsonNode response = answer(handler(TestConfigs.defaults()), fixture(fixture));

        assertThat(api.snapshot()).isEmpty();
        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.has("warnings")).isFalse();
        assertThat(response.path("uid").asText()).isEqualTo(fixture(fixture).at("/request/uid").asText());
    }

    @Test
    void aDryRunNeverWritesAndNeverTouchesTheTargetNamespace() throws Exception {
        sourcesExist();
        ObjectNode review = fixture("pod-create-dry-run");

        JsonNode response = answer(handler(TestConfigs.defaults()), review);

        assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("private-regcred");
        assertThat(api.snapshot()).allSatisfy(call -> assertThat(call).startsWith("get registry-creds/"));
        assertThat(metrics.counter("pullsecret_injector_copies", "result", "skipped_dry_run").count()).isEqualTo(1.0);
        assertThat(metrics.counter("pullsecret_injector_copies", "result", "created").count()).isZero();
    }

    @Test
    void aSlowApiServerGetsAnAnswerWithinTheBudgetWithAWarning() throws Exception {
        sourcesExist();
        api.failWith = call -> {
            if (call.startsWith("create")) {
                sleep(3000);
            }
            return null;
        };
        PodMutationHandler handler = handler(TestConfigs.with(Map.of("apiBudget", Duration.ofMillis(300))));
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "slow");

        long start = System.nanoTime();
        JsonNode response = answer(handler, review);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(millis).as("answered near the budget, not after the API call").isLessThan(2500);
        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.path("warnings").toString()).contains("did not finish within the injector's budget");
        assertThat(metrics.counter("pullsecret_injector_reviews", "outcome", "timeout").count()).isEqualTo(1.0);
    }

    @Test
    void aForbiddenSourceReadAdmitsWithAWarningNamingTheRbacRule() throws Exception {
        sourcesExist();
        api.failWith = call -> call.startsWith("get registry-creds/") ? 403 : null;

        JsonNode response = answer(handler(TestConfigs.defaults()), inNamespace(fixture("pod-create-private-registry-generatename"), "rbac"));

        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.has("patch")).isFalse();
        assertThat(response.path("warnings").toString()).contains("may not get secret registry-creds/regcred (403 Forbidden)",
                "grant its ServiceAccount 'get' on secrets in namespace registry-creds");
    }

    @Test
    void aDeletedSourceStillReferencesTheCopyAlreadyInTheNamespaceWithAWarning() throws Exception {
        sourcesExist();
        PodMutationHandler handler = handler(TestConfigs.with(Map.of("cacheTtl", Duration.ZERO)));
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "orphan");
        answer(handler, review);
        api.secrets.remove("registry-creds/regcred");
        api.calls.clear();

        JsonNode response = answer(handler, review);

        assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("private-regcred");
        assertThat(response.path("warnings").toString()).contains("registry-creds/regcred does not exist",
                "the copy already in orphan is referenced as it is");
        assertThat(api.snapshot()).noneMatch(c -> c.startsWith("create") || c.startsWith("update"));
    }

    @Test
    void aDeletedSourceWithNoCopyLeavesTheCredentialOut() throws Exception {
        sourcesExist();
        api.secrets.remove("registry-creds/regcred");

        JsonNode response = answer(handler(TestConfigs.defaults()), inNamespace(fixture("pod-create-private-registry-generatename"), "fresh"));

        assertThat(response.has("patch")).isFalse();
        assertThat(response.path("warnings").toString()).contains("credential private-regcred not injected", "does not exist");
    }

    /** A handler whose policy store fails, standing for any bug on the review path. */
    PodMutationHandler brokenHandler(InjectorConfig config) {
        PolicyStore broken = new PolicyStore() {
            @Override
            public Loaded current() {
                throw new IllegalStateException("boom");
            }
        };
        return TestHandlers.create(broken, api, config, metrics);
    }

    @Test
    void anUnexpectedFailureAdmitsWithAWarningAndTheUid() throws Exception {
        JsonNode response = answer(brokenHandler(TestConfigs.defaults()), fixture("pod-create-private-registry-generatename"));

        assertThat(response.path("uid").asText()).isEqualTo("0b4f1c2e-0001-4000-8000-000000000001");
        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("warnings").get(0).asText()).contains("internal error", "see the injector's log for uid 0b4f1c2e-0001");
        assertThat(metrics.counter("pullsecret_injector_reviews", "outcome", "error").count()).isEqualTo(1.0);
    }

    @Test
    void theDenyPolicyTurnsAnInternalErrorIntoAnErroredResponse() throws Exception {
        InjectorConfig deny = TestConfigs.with(Map.of("internalErrorPolicy", InjectorConfig.InternalErrorPolicy.deny));

        JsonNode response = answer(brokenHandler(deny), fixture("pod-create-private-registry-generatename"));

        assertThat(response.path("uid").asText()).isEqualTo("0b4f1c2e-0001-4000-8000-000000000001");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("code").asInt()).isEqualTo(500);
        assertThat(response.path("status").path("message").asText()).contains("see the injector's log for uid");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
