package io.pullsecretinjector.admission;

import io.pullsecretinjector.testing.Await;
import static io.pullsecretinjector.admission.Reviews.fixture;
import static io.pullsecretinjector.admission.Reviews.inNamespace;
import static io.pullsecretinjector.admission.Reviews.patchedObject;
import static io.pullsecretinjector.admission.Reviews.pullSecretNames;
import static io.pullsecretinjector.admission.Reviews.withUid;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7, API-server faults, at the handler with an in-memory API told to fail: every review is
 * answered within the budget, allowed, with a warning that says what happened; the next review
 * after the API recovers copies as usual. The same faults over real HTTP against the fabric8 mock
 * API server are in {@link ApiServerFaultsHttpTest}.
 */
class ApiServerFaultsTest {

    static final Duration BUDGET = Duration.ofMillis(400);

    final FakeSecretApi api = new FakeSecretApi();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final InjectorConfig config = TestConfigs.with(Map.of("apiBudget", BUDGET));
    final PodMutationHandler handler = handler();

    PodMutationHandler handler() {
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", PodMutationHandlerTest.PRIVATE).build());
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("dockerhub").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", PodMutationHandlerTest.HUB).build());
        PolicyStore store = new PolicyStore();
        try {
            store.apply(Files.readString(Path.of("src/test/resources/policy/test-policy.yaml")), "test");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return TestHandlers.create(store, api, config, metrics);
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                arguments("a 500 on reading the source", (Function<String, Integer>) call -> call.equals("get registry-creds/regcred") ? 500 : null,
                        List.of("the Kubernetes API failed (500) on get secret registry-creds/regcred", "the next Pod will retry")),
                arguments("a 500 on creating the copy", (Function<String, Integer>) call -> call.startsWith("create faulty/") ? 500 : null,
                        List.of("the Kubernetes API failed (500) on create secret faulty/private-regcred")),
                arguments("a 500 on reading the copy after its create conflicted", (Function<String, Integer>) call ->
                        call.startsWith("create faulty/") ? Integer.valueOf(409) : call.startsWith("get faulty/") ? Integer.valueOf(500) : null,
                        List.of("the Kubernetes API failed (500) on get secret faulty/private-regcred")),
                arguments("a 403 on reading the source", (Function<String, Integer>) call -> call.equals("get registry-creds/regcred") ? 403 : null,
                        List.of("may not get secret registry-creds/regcred (403 Forbidden)", "grant its ServiceAccount 'get' on secrets in namespace registry-creds")),
                arguments("a 403 on creating the copy", (Function<String, Integer>) call -> call.startsWith("create faulty/") ? 403 : null,
                        List.of("may not create secret faulty/private-regcred (403 Forbidden)", "grant its ServiceAccount 'create' on secrets in namespace faulty")),
                arguments("a 409 on creating the copy that left nothing behind", (Function<String, Integer>) call -> call.startsWith("create faulty/") ? 409 : null,
                        List.of("(409)", "the next Pod will retry")),
                arguments("a 429 on creating the copy", (Function<String, Integer>) call -> call.startsWith("create faulty/") ? 429 : null,
                        List.of("the Kubernetes API is throttling the injector (429) on create secret faulty/private-regcred")));
    }

    @ParameterizedTest(name = "{0}: admitted at once with a warning, and the next Pod after recovery gets its copy")
    @MethodSource("faults")
    void aFaultAdmitsWithAClearWarningAndTheNextReviewAfterRecoveryCopies(String fault, Function<String, Integer> failWith, List<String> warning)
            throws Exception {
        api.failWith = failWith;
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "faulty");

        long start = System.nanoTime();
        JsonNode during = answer(withUid(review, "during"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUDGET.plusMillis(500));

        assertThat(during.path("uid").asText()).isEqualTo("during");
        assertThat(during.path("allowed").asBoolean()).isTrue();
        assertThat(during.has("patch")).as("no reference to a copy that may not exist").isFalse();
        assertThat(during.path("warnings").toString()).contains("private-regcred not injected").contains(warning);
        assertThat(api.secrets).doesNotContainKey("faulty/private-regcred");

        api.failWith = call -> null;
        JsonNode after = answer(withUid(review, "after"));

        assertThat(after.path("warnings").toString()).as(after.toString()).doesNotContain("private-regcred not injected");
        assertThat(pullSecretNames(patchedObject(review, after))).containsExactly("private-regcred");
        assertThat(api.secrets).containsKey("faulty/private-regcred");
    }

    @Test
    void anApiServerThatDoesNotAnswerGetsEveryReviewAnsweredWithinTheBudgetAndNoThreadStaysBlocked() throws Exception {
        CountDownLatch recovered = new CountDownLatch(1);
        AtomicInteger hanging = new AtomicInteger();
        api.failWith = call -> {
            if (call.startsWith("create silent/")) {
                hanging.incrementAndGet();
                try {
                    recovered.await(30, TimeUnit.SECONDS); // the real client gives up after request-timeout (10 s)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    hanging.decrementAndGet();
                }
            }
            return null;
        };
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "silent");

        long start = System.nanoTime();
        List<CompletableFuture<JsonNode>> answers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            answers.add(Reviews.answer(handler.handle(ReviewDecoder.decode(Reviews.bytes(withUid(review, "silent-" + i))))));
        }
        for (int i = 0; i < answers.size(); i++) {
            JsonNode response = answers.get(i).get(BUDGET.toMillis() + 1000, TimeUnit.MILLISECONDS);
            assertThat(response.path("uid").asText()).isEqualTo("silent-" + i);
            assertThat(response.path("allowed").asBoolean()).isTrue();
            assertThat(response.path("warnings").toString()).contains("within the injector's budget");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUDGET.plusMillis(1500));
        assertThat(hanging.get()).as("one call hangs; concurrent reviews of the same copy wait on it, not on calls of their own").isEqualTo(1);
        assertThat(metrics.counter("pullsecret_injector_reviews", "outcome", "timeout").count()).isEqualTo(40.0);
        // reviews waiting on the hung call give their threads back after the budget: other namespaces are served meanwhile
        ObjectNode elsewhere = inNamespace(fixture("pod-create-private-registry-generatename"), "elsewhere");
        Await.until("the hung calls end and the copy is made", Duration.ofSeconds(20), () -> {
            try {
                return pullSecretNames(patchedObject(elsewhere, answer(withUid(elsewhere, "elsewhere")))).contains("private-regcred");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(hanging.get()).as("still hung").isEqualTo(1);

        recovered.countDown();
        Await.until("the hung calls end and the copy is made", Duration.ofSeconds(20), () -> hanging.get() == 0 && api.secrets.containsKey("silent/private-regcred"));

        int callsBefore = api.calls.size();
        JsonNode next = answer(withUid(review, "next"));
        assertThat(pullSecretNames(patchedObject(review, next))).containsExactly("private-regcred");
        assertThat(next.path("warnings").toString()).doesNotContain("private-regcred");
        assertThat(api.calls.size()).as("the copy the late call made is known: no further call").isEqualTo(callsBefore);
    }

    @Test
    void aSlowSourceReadBeyondTheBudgetIsAnsweredInTimeAndTheReadStillLandsForTheNextPod() throws Exception {
        api.failWith = call -> {
            if (call.equals("get registry-creds/regcred")) {
                PodMutationHandlerTest.sleep(BUDGET.toMillis() * 3);
            }
            return null;
        };
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "slow-source");

        long start = System.nanoTime();
        JsonNode first = answer(withUid(review, "first"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BUDGET.plusMillis(500));
        assertThat(first.path("allowed").asBoolean()).isTrue();
        assertThat(first.path("warnings").toString()).contains("within the injector's budget");

        api.failWith = call -> null;
        Await.until("the slow source's copy is made", Duration.ofSeconds(20), () -> api.secrets.containsKey("slow-source/private-regcred"));
        JsonNode next = answer(withUid(review, "next"));
        assertThat(pullSecretNames(patchedObject(review, next))).containsExactly("private-regcred");
    }

    JsonNode answer(ObjectNode review) throws Exception {
        return Reviews.answer(handler.handle(ReviewDecoder.decode(Reviews.bytes(review)))).get(10, TimeUnit.SECONDS);
    }
}
