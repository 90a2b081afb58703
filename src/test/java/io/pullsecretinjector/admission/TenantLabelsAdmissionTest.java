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
import io.pullsecretinjector.config.TestConfigs;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.secrets.events.EventReason;
import io.pullsecretinjector.secrets.api.FakeSecretApi;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tenants by namespace label, on the review path: each tenant's credential goes only to its
 * namespaces, the shared mirror credential to all, labels come from the Namespace object (from
 * memory, or one read), never from the Pod, and the warm path makes no call at all.
 */
class TenantLabelsAdmissionTest {

    static final String POLICY = """
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            registryCredentials:
              - existingSecret: payments-pull
                existingSecretNamespace: registry-creds
                registries: ["payments.registry.example.com"]
                namespaceSelector:
                  matchLabels: {team: payments}
              - existingSecret: search-pull
                existingSecretNamespace: registry-creds
                registries: ["search.registry.example.com"]
                namespaceSelector:
                  matchExpressions:
                    - {key: team, operator: In, values: [search]}
              - existingSecret: mirror-pull
                existingSecretNamespace: registry-creds
                registries: ["mirror.example.com"]
            """;

    final FakeSecretApi api = new FakeSecretApi();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final List<String> events = new CopyOnWriteArrayList<>();
    final PolicyStore store = new PolicyStore();
    final PodMutationHandler handler;

    TenantLabelsAdmissionTest() {
        store.apply(POLICY, "test");
        handler = TestHandlers.wire(store, api, TestConfigs.defaults(), metrics, System::nanoTime,
                (reason, namespace, name, note) -> events.add(reason + " " + namespace + "/" + name + ": " + note)).handler();
        for (String name : List.of("payments-pull", "search-pull", "mirror-pull")) {
            api.put(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName(name).endMetadata()
                    .withType("kubernetes.io/dockerconfigjson")
                    .addToData(".dockerconfigjson", PodMutationResourceTest.dockerConfig(name + ".example.com", "bot", "s3cr3t-" + name))
                    .build());
        }
    }

    void namespace(String name, Map<String, String> labels, boolean delivered) {
        api.namespaceLabels.put(name, labels);
        if (delivered) {
            api.watched.add(name);
        }
    }

    JsonNode answer(ObjectNode review) throws Exception {
        return Reviews.answer(handler.handle(ReviewDecoder.decode(Reviews.bytes(review)))).get(10, TimeUnit.SECONDS);
    }

    static Stream<Arguments> tenants() {
        return Stream.of(
                arguments("a Pod in a payments namespace gets the payments credential and the shared mirror one",
                        Map.of("team", "payments"), List.of("payments-pull", "mirror-pull")),
                arguments("a Pod in a search namespace gets the search credential and the shared mirror one, "
                        + "although the Pod's own labels say team: payments", Map.of("team", "search"), List.of("search-pull", "mirror-pull")),
                arguments("a Pod in a namespace of no tenant gets only the shared mirror credential", Map.of(), List.of("mirror-pull")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tenants")
    void eachTenantGetsItsOwnCredentialAndTheSharedOne(String sentence, Map<String, String> labels, List<String> expected) throws Exception {
        namespace("payments-prod", labels, true);
        ObjectNode review = fixture("pod-create-tenant-images");

        JsonNode response = answer(review);

        assertThat(pullSecretNames(patchedObject(review, response))).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(api.snapshot()).as("labels delivered by the watch are read from memory").noneMatch(c -> c.startsWith("get namespace/"));
        assertThat(response.has("warnings")).isFalse();
    }

    @Test
    void theWarmPathMakesNoApiCallAtAll() throws Exception {
        namespace("payments-prod", Map.of("team", "payments"), true);
        answer(fixture("pod-create-tenant-images"));
        api.calls.clear();
        api.failWith = call -> {
            throw new AssertionError("unexpected API call: " + call);
        };

        ObjectNode second = Reviews.withUid(fixture("pod-create-tenant-images"), "0b4f1c2e-0001-4000-8000-000000000020");
        JsonNode response = answer(second);

        assertThat(pullSecretNames(patchedObject(second, response))).containsExactlyInAnyOrder("payments-pull", "mirror-pull");
        assertThat(api.snapshot()).isEmpty();
    }

    @Test
    void aNamespaceTheWatchHasNotDeliveredIsReadOnceAndDecidedOnItsLabels() throws Exception {
        namespace("fresh", Map.of("team", "payments"), false);
        ObjectNode review = inNamespace(fixture("pod-create-tenant-images"), "fresh");

        JsonNode response = answer(review);

        assertThat(pullSecretNames(patchedObject(review, response))).containsExactlyInAnyOrder("payments-pull", "mirror-pull");
        assertThat(api.snapshot()).filteredOn(c -> c.startsWith("get namespace/")).containsExactly("get namespace/fresh");
    }

    @Test
    void whenTheLabelsCannotBeReadOnlyCredentialsWithoutASelectorAreGivenAndTheWarningSaysWhatToGrant() throws Exception {
        namespace("locked", Map.of("team", "payments"), false);
        api.failWith = call -> call.startsWith("get namespace/") ? 403 : null;
        ObjectNode review = inNamespace(fixture("pod-create-tenant-images"), "locked");

        JsonNode response = answer(review);

        assertThat(pullSecretNames(patchedObject(review, response))).containsExactly("mirror-pull");
        assertThat(response.path("warnings").toString()).contains(
                "the injector may not get namespace locked (403 Forbidden)", "grant its ServiceAccount get, list and watch on namespaces",
                "credential payments-pull not injected: the labels of namespace locked are not known, "
                        + "so registryCredentials[0].namespaceSelector (team=payments) cannot be checked");
    }

    @Test
    void aNamespaceReadSlowerThanTheBudgetAdmitsThePodWithoutCredentialsWithinTheBudgetAndSaysSo() throws Exception {
        namespace("slow", Map.of("team", "payments"), false);
        api.failWith = call -> {
            if (call.startsWith("get namespace/")) {
                try {
                    Thread.sleep(3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return null;
        };
        PodMutationHandler budgeted = TestHandlers.wire(store, api, TestConfigs.with(Map.of("apiBudget", Duration.ofMillis(300))), metrics,
                System::nanoTime).handler();
        ObjectNode review = inNamespace(fixture("pod-create-tenant-images"), "slow");

        long start = System.nanoTime();
        JsonNode response = Reviews.answer(budgeted.handle(ReviewDecoder.decode(Reviews.bytes(review)))).get(10, TimeUnit.SECONDS);

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2500);
        assertThat(response.has("patch")).isFalse();
        assertThat(response.path("warnings").toString()).contains("did not answer within the injector's budget");
    }

    @Test
    void theFirstPodRecordsCopyCreatedRegardingEachCopyWithoutSecretData() throws Exception {
        namespace("payments-prod", Map.of("team", "payments"), true);

        answer(fixture("pod-create-tenant-images"));
        answer(Reviews.withUid(fixture("pod-create-tenant-images"), "0b4f1c2e-0001-4000-8000-000000000021"));

        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e).startsWith(EventReason.CopyCreated + " payments-prod/"));
        assertThat(events).anySatisfy(e -> assertThat(e).startsWith("CopyCreated payments-prod/payments-pull: Created from registry-creds/payments-pull"));
        String sourceData = api.secrets.get("registry-creds/payments-pull").getData().get(".dockerconfigjson");
        assertThat(String.join("\n", events)).doesNotContain(sourceData, "s3cr3t", "auths");
    }
}
