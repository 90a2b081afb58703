package io.pullsecretinjector.admission;

import static io.pullsecretinjector.admission.Reviews.fixture;
import static io.pullsecretinjector.admission.Reviews.inNamespace;
import static io.pullsecretinjector.admission.Reviews.patchedObject;
import static io.pullsecretinjector.admission.Reviews.pullSecretNames;
import static io.pullsecretinjector.admission.Reviews.withUid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.config.TestConfigs;
import io.pullsecretinjector.secrets.admission.BackgroundRenewals;
import io.pullsecretinjector.testing.Await;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.secrets.api.FakeSecretApi;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A namespace in steady use stays on the warm path: what a review relies on is checked again in
 * the background before cache-ttl (60 s) runs out, so no review waits for the API server when it
 * does. The caches run on a clock the test moves; whether a review was answered from memory is
 * told by closing the API: an answer that needs it cannot be ready at once.
 */
class CacheRenewalTest {

    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    final FakeSecretApi api = new FakeSecretApi();
    final AtomicLong now = new AtomicLong();
    /** While set, every API call waits for it to be counted down (or 5 s). */
    volatile CountDownLatch apiClosed;
    final PodMutationHandler handler;
    final BackgroundRenewals renewals;
    final ObjectNode review = inNamespace(fixture("pod-create-private-registry-generatename"), "steady");

    CacheRenewalTest() throws Exception {
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", PodMutationHandlerTest.PRIVATE).build());
        api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("dockerhub").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", PodMutationHandlerTest.HUB).build());
        api.failWith = call -> {
            CountDownLatch closed = apiClosed;
            if (closed != null) {
                try {
                    closed.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        };
        PolicyStore store = new PolicyStore();
        store.apply(Files.readString(Path.of("src/test/resources/policy/test-policy.yaml")), "test");
        TestHandlers.Wired wired = TestHandlers.wire(store, api, TestConfigs.defaults(), new SimpleMeterRegistry(), now::get);
        handler = wired.handler();
        renewals = wired.renewals();
    }

    @AfterEach
    void openTheApi() {
        CountDownLatch closed = apiClosed;
        if (closed != null) {
            closed.countDown();
        }
    }

    /** Answers the review at the given second with the API closed; true when the answer was ready at once. */
    boolean answeredFromMemoryAt(long second, String uid) throws Exception {
        now.set(second * SECOND);
        CountDownLatch closed = new CountDownLatch(1);
        apiClosed = closed;
        CompletableFuture<JsonNode> answer = Reviews.answer(handler.handle(ReviewDecoder.decode(Reviews.bytes(withUid(review, uid)))));
        boolean atOnce = answer.isDone();
        apiClosed = null;
        closed.countDown();
        JsonNode response = answer.get(5, TimeUnit.SECONDS);
        assertThat(pullSecretNames(patchedObject(review, response))).as(response.toString()).contains("private-regcred");
        return atOnce;
    }

    void firstPodAtSecondZero() throws Exception {
        Reviews.answer(handler.handle(ReviewDecoder.decode(Reviews.bytes(withUid(review, "first"))))).get(5, TimeUnit.SECONDS);
        assertThat(api.secrets).containsKey("steady/private-regcred");
    }

    @Test
    void aReviewInTheLastQuarterOfTheTtlRenewsInTheBackgroundSoTheNextReviewAfterTheTtlIsStillAnsweredFromMemory() throws Exception {
        firstPodAtSecondZero();
        int callsBefore = api.snapshot().size();

        assertThat(answeredFromMemoryAt(30, "fresh")).as("30 s: fresh").isTrue();
        assertThat(api.snapshot()).as("nothing is renewed while fresh").hasSize(callsBefore);

        assertThat(answeredFromMemoryAt(50, "due")).as("50 s: still answered from memory").isTrue();
        Await.until("the background renewals finish", () -> !renewals.pending());
        assertThat(api.snapshot().subList(callsBefore, api.snapshot().size()))
                .containsExactlyInAnyOrder("get registry-creds/regcred", "get registry-creds/dockerhub", "get steady/private-regcred");

        assertThat(answeredFromMemoryAt(70, "renewed")).as("70 s: past the first TTL, renewed at 50 s").isTrue();
    }

    @Test
    void aNamespaceNotUsedInTheLastQuarterOfTheTtlIsCheckedAgainByItsNextReviewAsBefore() throws Exception {
        firstPodAtSecondZero();

        assertThat(answeredFromMemoryAt(70, "expired")).as("70 s: nothing renewed it").isFalse();
        assertThat(api.snapshot()).contains("get steady/private-regcred");
    }

    @Test
    void aFailedRenewalKeepsWhatIsKnownUntilItRunsOut() throws Exception {
        firstPodAtSecondZero();
        int callsBefore = api.snapshot().size();
        api.failWith = call -> 500;

        assertThat(answeredFromMemoryAt(50, "due")).isTrue();
        Await.until("the background renewals finish", () -> !renewals.pending());
        assertThat(api.snapshot().subList(callsBefore, api.snapshot().size()).stream().filter(c -> c.equals("get steady/private-regcred")))
                .as("renewal tried").hasSize(1);

        assertThat(answeredFromMemoryAtWithFailingApi(55)).as("55 s: the failed renewal at 50 s forgot nothing").isTrue();
    }

    /** Like {@link #answeredFromMemoryAt}, with every API call failing instead of waiting. */
    boolean answeredFromMemoryAtWithFailingApi(long second) throws Exception {
        now.set(second * SECOND);
        CompletableFuture<JsonNode> answer = Reviews.answer(handler.handle(ReviewDecoder.decode(Reviews.bytes(withUid(review, "later")))));
        return answer.isDone() && pullSecretNames(patchedObject(review, answer.get())).contains("private-regcred");
    }
}
