package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import io.pullsecretinjector.secrets.api.FakeSecretApi;
import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.admission.PodMutationHandler;
import io.pullsecretinjector.admission.TestHandlers;
import io.pullsecretinjector.testing.Await;
import io.pullsecretinjector.admission.ReviewDecoder;
import io.pullsecretinjector.admission.Reviews;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.config.TestConfigs;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.policy.RegistryCredential;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, "nothing lost": 10,000 reviews across 200 namespaces while the API fails at random
 * (500, 403, 409, 429, slow beyond the budget) and a source is rotated half way; then one resync
 * pass. Every namespace that got a patch holds a current copy of every name it was given, and no
 * Secret the injector did not create was touched. Seeded, so a failure can be replayed.
 */
class NothingLostTest {

    static final long SEED = 7_2026L;
    static final List<String> FIXTURES = List.of("pod-create-private-registry-generatename", "pod-create-two-registries-init-container",
            "pod-create-dockerhub-short-name", "pod-create-already-has-secret", "pod-create-dry-run");

    @Test
    void tenThousandReviewsWithRandomFaultsThenOneResyncLeaveEveryPatchedNamespaceWithACurrentCopy() throws Exception {
        Random random = new Random(SEED);
        FakeSecretApi api = new FakeSecretApi();
        api.put(source("regcred", "registry.example.com", "first"));
        api.put(source("dockerhub", "https://index.docker.io/v1/", "hub"));
        List<String> namespaces = IntStream.range(0, 200).mapToObj(i -> String.format("ns-%03d", i)).toList();
        Map<String, Secret> foreign = new HashMap<>();
        for (int i = 0; i < 200; i += 20) {
            Secret mine = new SecretBuilder().withNewMetadata().withNamespace(namespaces.get(i)).withName("private-regcred").endMetadata()
                    .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", "bm90LW91cnM=").build();
            api.put(mine);
            foreign.put(namespaces.get(i), api.secrets.get(namespaces.get(i) + "/private-regcred"));
        }

        InjectorConfig config = TestConfigs.with(Map.of("apiBudget", Duration.ofMillis(200)));
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        PolicyStore store = new PolicyStore();
        store.apply(Files.readString(Path.of("src/test/resources/policy/test-policy.yaml")), "test");
        TestHandlers.Wired wired = TestHandlers.wire(store, api, config, metrics, System::nanoTime);
        PodMutationHandler handler = wired.handler();

        Random faults = new Random(SEED + 1);
        int[] codes = {500, 403, 409, 429};
        api.failWith = call -> {
            synchronized (faults) {
                int roll = faults.nextInt(100);
                if (roll < 12) {
                    return codes[faults.nextInt(codes.length)];
                }
                if (roll < 13) {
                    sleepQuietly(300); // beyond the budget: the review is answered without it, the call still lands
                }
                return null;
            }
        };

        Map<String, Set<String>> given = new HashMap<>();
        int patched = 0;
        for (int i = 0; i < 10_000; i++) {
            if (i == 5_000) {
                api.put(source("regcred", "registry.example.com", "rotated")); // the source rotates half way
            }
            String ns = namespaces.get(random.nextInt(namespaces.size()));
            ObjectNode review = Reviews.withUid(Reviews.inNamespace(Reviews.fixture(FIXTURES.get(random.nextInt(FIXTURES.size()))), ns), "r-" + i);
            JsonNode response = Reviews.answer(handler.handle(ReviewDecoder.decode(Reviews.bytes(review)))).get(5, TimeUnit.SECONDS);
            assertThat(response.path("uid").asText()).isEqualTo("r-" + i);
            assertThat(response.path("allowed").asBoolean()).isTrue();
            if (response.has("patch") && !review.at("/request/dryRun").asBoolean(false)) {
                patched++;
                List<String> before = Reviews.pullSecretNames(review.at("/request/object"));
                List<String> added = new ArrayList<>(Reviews.pullSecretNames(Reviews.patchedObject(review, response)));
                added.removeAll(before);
                given.computeIfAbsent(ns, k -> new TreeSet<>()).addAll(added);
            }
        }
        api.failWith = call -> null;
        Await.until("the calls that outlived their review's budget finish", () -> wired.pool().idle());

        // one resync, as the sync loop's leader runs it
        SyncFixture fx = new SyncFixture();
        CopySynchronizer sync = fx.synchronizer(api, new Pacer(1_000_000, 1_000_000, System::nanoTime), () -> true, () -> namespaces, metrics, Duration.ZERO,
                NamespaceLabels.NONE, CopyEvents.NONE);
        sync.policyChanged(null, store.current().policy());
        for (RegistryCredential c : store.current().policy().registryCredentials()) {
            Secret s = api.get(c.existingSecretNamespace(), c.existingSecret());
            fx.sourceSeen(c.source(), s == null ? null : SourceSecret.from(s));
        }
        SyncResult stats = sync.fullPass();

        assertThat(stats.failed()).isZero();
        assertThat(patched).as("reviews that got a patch").isGreaterThan(5_000);
        assertThat(given).as("namespaces that got a patch").hasSizeGreaterThan(150);
        Map<String, SourceSecret> sources = Map.of("private-regcred", SourceSecret.from(api.get("registry-creds", "regcred")),
                "dockerhub", SourceSecret.from(api.get("registry-creds", "dockerhub")));
        given.forEach((ns, names) -> {
            for (String name : names) {
                Secret copy = api.secrets.get(ns + "/" + name);
                assertThat(copy).as("%s/%s was referenced by a patch", ns, name).isNotNull();
                if (foreign.containsKey(ns) && name.equals("private-regcred")) {
                    continue;
                }
                assertThat(ManagedCopy.isCurrent(copy, sources.get(name))).as("%s/%s is current after one resync", ns, name).isTrue();
            }
        });
        foreign.forEach((ns, mine) -> assertThat(api.secrets.get(ns + "/private-regcred")).as("%s/private-regcred is not ours", ns).isEqualTo(mine));
        assertThat(api.snapshot()).noneMatch(c -> c.startsWith("update ") && foreign.keySet().stream().anyMatch(ns -> c.equals("update " + ns + "/private-regcred")));
        assertThat(api.snapshot()).noneMatch(c -> c.startsWith("create registry-creds/") || c.startsWith("update registry-creds/"));
    }

    static Secret source(String name, String registry, String password) {
        String json = "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + Base64.getEncoder().encodeToString(("bot:" + password).getBytes(StandardCharsets.UTF_8)) + "\"}}}";
        return new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName(name).endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
