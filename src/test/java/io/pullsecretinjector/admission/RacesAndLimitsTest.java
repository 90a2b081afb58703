package io.pullsecretinjector.admission;

import static io.pullsecretinjector.admission.Reviews.fixture;
import static io.pullsecretinjector.admission.Reviews.inNamespace;
import static io.pullsecretinjector.admission.Reviews.patchedObject;
import static io.pullsecretinjector.admission.Reviews.pullSecretNames;
import static io.pullsecretinjector.admission.Reviews.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Issue 7, races and limits, at the handler over the in-memory API. */
class RacesAndLimitsTest {

    final FakeSecretApi api = new FakeSecretApi();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    /** The caches' clock, moved by the tests instead of waiting. */
    final AtomicLong now = new AtomicLong();

    PodMutationHandler handler(InjectorConfig config) throws Exception {
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", PodMutationHandlerTest.PRIVATE).build());
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("dockerhub").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", PodMutationHandlerTest.HUB).build());
        PolicyStore store = new PolicyStore();
        store.apply(Files.readString(Path.of("src/test/resources/policy/test-policy.yaml")), "test");
        return TestHandlers.wire(store, api, config, metrics, now::get).handler();
    }

    static JsonNode answer(PodMutationHandler handler, ObjectNode review) throws Exception {
        return Reviews.answer(handler.handle(ReviewDecoder.decode(Reviews.bytes(review)))).get(10, TimeUnit.SECONDS);
    }

    @Test
    void fiftyConcurrentFirstPodsInANewNamespaceMakeExactlyOneCopyAndFiftyPatchedAnswers() throws Exception {
        PodMutationHandler handler = handler(TestConfigs.defaults());
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "burst50");
        // every create waits a little, so the 50 reviews really overlap
        api.failWith = call -> {
            if (call.startsWith("create ")) {
                PodMutationHandlerTest.sleep(50);
            }
            return null;
        };
        ExecutorService clients = Executors.newFixedThreadPool(50);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                ObjectNode r = withUid(review, "burst-" + i);
                answers.add(clients.submit(() -> {
                    go.await();
                    return answer(handler, r);
                }));
            }
            go.countDown();
            for (int i = 0; i < 50; i++) {
                JsonNode response = answers.get(i).get(10, TimeUnit.SECONDS);
                assertThat(response.path("uid").asText()).isEqualTo("burst-" + i);
                assertThat(pullSecretNames(patchedObject(review, response))).as(response.toString()).contains("private-regcred");
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(api.calls.stream().filter(c -> c.equals("create burst50/private-regcred"))).hasSize(1);
        List<String> creates = api.calls.stream().filter(c -> c.startsWith("create ")).toList();
        assertThat(creates).doesNotHaveDuplicates();
        assertThat(metrics.counter("pullsecret_injector_copies", "result", "created").count()).isEqualTo(creates.size());
    }

    /**
     * The first Pod of a namespace that needs two copies waits for the slower of the two, not for
     * both one after the other: each copy's first call (its CREATE) here waits for the other's to
     * arrive. Made one after the other, the first would wait out the review's 2 s budget and the
     * Pod would get neither credential.
     */
    @Test
    void aPodNeedingTwoCopiesInANewNamespaceHasBothMadeAtTheSameTime() throws Exception {
        PodMutationHandler handler = handler(TestConfigs.defaults());
        ObjectNode review = inNamespace(fixture("pod-create-two-registries-init-container"), "parallel");
        CountDownLatch bothAsked = new CountDownLatch(2);
        api.failWith = call -> {
            if (call.startsWith("create parallel/")) {
                bothAsked.countDown();
                try {
                    bothAsked.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        };

        JsonNode response = answer(handler, review);

        assertThat(response.has("warnings")).as(response.toString()).isFalse();
        assertThat(pullSecretNames(patchedObject(review, response))).containsExactlyInAnyOrder("private-regcred", "dockerhub");
        assertThat(api.secrets).containsKeys("parallel/private-regcred", "parallel/dockerhub");
    }

    /**
     * A review trusts a copy it made for injector.cache-ttl (60 s) without asking again. A copy
     * deleted by hand is restored by the sync loop's resync (SyncLoopTest) or by the first review
     * after the TTL; this test moves the caches' clock past the TTL rather than waiting a minute,
     * which is the honest statement of what admission alone guarantees.
     */
    @Test
    void aCopyDeletedByHandBetweenTwoReviewsIsRecreatedByTheFirstReviewAfterTheCacheTtl() throws Exception {
        PodMutationHandler handler = handler(TestConfigs.defaults());
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "deleted");
        answer(handler, withUid(review, "first"));
        assertThat(api.secrets).containsKey("deleted/private-regcred");

        api.secrets.remove("deleted/private-regcred");
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        JsonNode second = answer(handler, withUid(review, "second"));

        assertThat(pullSecretNames(patchedObject(review, second))).contains("private-regcred");
        assertThat(api.secrets).as("recreated before the answer").containsKey("deleted/private-regcred");
    }

    @Test
    void aPodWithAThousandContainersIsAnsweredCorrectlyAndFast() throws Exception {
        PodMutationHandler handler = handler(TestConfigs.defaults());
        ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "big");
        ObjectNode spec = (ObjectNode) review.at("/request/object/spec");
        ArrayNode containers = spec.putArray("containers");
        for (int i = 0; i < 1000; i++) {
            containers.addObject().put("name", "c" + i).put("image", i % 2 == 0 ? "registry.example.com/team/app-" + i + ":1" : "nginx:1." + i);
        }
        answer(handler, withUid(review, "warm-up")); // first review makes the copies

        long start = System.nanoTime();
        JsonNode response = answer(handler, withUid(review, "big"));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(millis).as("a warm review of 1,000 containers").isLessThan(500);
        assertThat(pullSecretNames(patchedObject(review, response))).containsExactlyInAnyOrder("private-regcred", "dockerhub");
        assertThat(Reviews.patch(response)).as("one operation: the whole array").hasSize(1);
    }
}
