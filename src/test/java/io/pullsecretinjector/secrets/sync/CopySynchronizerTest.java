package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.ContentHash;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PolicyParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sync loop's write strategy, by the calls it makes: a copy it knows to be ours is written with
 * one conditional update (its remembered resourceVersion) and no read; a copy it knows to be
 * current costs nothing between verifications; anything that changed behind its back makes the
 * conditional write fail, and the copy is then read and judged, so a foreign Secret is never
 * written. The store answers as the API server does: 409 on a stale resourceVersion, 404 on an
 * update of a Secret that is gone.
 */
class CopySynchronizerTest {

    /** Secrets in memory with resourceVersions, and every call in order. */
    static final class Store implements SecretApi {
        final Map<String, Secret> secrets = new TreeMap<>();
        final List<String> calls = new ArrayList<>();
        long version = 100;

        Secret put(Secret s) {
            Secret stored = new SecretBuilder(s).editMetadata().withResourceVersion(Long.toString(++version)).endMetadata().build();
            secrets.put(key(stored), stored);
            return stored;
        }

        @Override
        public Secret get(String namespace, String name) {
            calls.add("get " + namespace + "/" + name);
            return secrets.get(namespace + "/" + name);
        }

        @Override
        public Secret create(Secret secret) {
            calls.add("create " + key(secret));
            if (secrets.containsKey(key(secret))) {
                throw status(409);
            }
            return put(secret);
        }

        @Override
        public Secret update(Secret secret) {
            calls.add("update " + key(secret));
            if (!secrets.containsKey(key(secret))) {
                throw status(404);
            }
            requireSameVersion(secret);
            return put(secret);
        }

        @Override
        public boolean delete(Secret secret) {
            calls.add("delete " + key(secret));
            requireSameVersion(secret);
            return secrets.remove(key(secret)) != null;
        }

        /** The resourceVersion precondition: 409 when the Secret there is at another one. */
        private void requireSameVersion(Secret secret) {
            Secret now = secrets.get(key(secret));
            if (now != null && !now.getMetadata().getResourceVersion().equals(secret.getMetadata().getResourceVersion())) {
                throw status(409);
            }
        }

        static String key(Secret s) {
            return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
        }

        static KubernetesClientException status(int code) {
            return new KubernetesClientException(new StatusBuilder().withCode(code).build());
        }
    }

    static final String REF = "registry-creds/regcred";
    static final List<String> NAMESPACES = List.of("team-a", "team-b", "team-c");
    static final InjectionPolicy EAGER = policy("eager: true");

    static InjectionPolicy policy(String extra) {
        return new PolicyParser().parse("""
                apiVersion: pullsecret-injector.io/v1alpha1
                kind: InjectionPolicy
                excludeNamespaces: [team-x]
                registryCredentials:
                  - existingSecret: regcred
                    existingSecretNamespace: registry-creds
                    %s
                """.formatted(extra)).policy();
    }

    static SourceSecret source(String content) {
        Map<String, String> data = Map.of(".dockerconfigjson", content);
        return new SourceSecret("registry-creds", "regcred", "kubernetes.io/dockerconfigjson", data,
                ContentHash.of("kubernetes.io/dockerconfigjson", data), List.of(), null);
    }

    static final SourceSecret V1 = source("djE=");
    static final SourceSecret V2 = source("djI=");

    final Store store = new Store();
    final SyncFixture fx = new SyncFixture();
    final AtomicBoolean leading = new AtomicBoolean(true);
    final List<String> namespaces = new ArrayList<>(NAMESPACES);

    CopySynchronizer synchronizer(Duration verifyPeriod) {
        return fx.synchronizer(store, new Pacer(1_000_000, 1_000_000, System::nanoTime), leading::get, () -> namespaces, new SimpleMeterRegistry(),
                verifyPeriod, NamespaceLabels.NONE, CopyEvents.NONE);
    }

    /** The store, with updates done by {@code update} instead. */
    SecretApi storeWithUpdate(java.util.function.UnaryOperator<Secret> update) {
        return new SecretApi() {
            @Override
            public Secret get(String namespace, String name) {
                return store.get(namespace, name);
            }

            @Override
            public Secret create(Secret secret) {
                return store.create(secret);
            }

            @Override
            public Secret update(Secret secret) {
                return update.apply(secret);
            }
        };
    }

    /** Copies of V1 in every namespace, read once by a verifying full pass, so the loop knows each. */
    CopySynchronizer knowingEveryCopy(InjectionPolicy policy) {
        NAMESPACES.forEach(ns -> store.put(ManagedCopy.desired(V1, ns, "regcred")));
        CopySynchronizer sync = synchronizer(Duration.ofHours(1));
        sync.policyChanged(null, policy);
        fx.sourceSeen(REF, V1);
        sync.fullPass();
        assertThat(store.calls).containsExactly("get team-a/regcred", "get team-b/regcred", "get team-c/regcred");
        store.calls.clear();
        return sync;
    }

    boolean holds(String namespace, SourceSecret source) {
        Secret s = store.secrets.get(namespace + "/regcred");
        return s != null && ManagedCopy.isOurs(s, REF) && ManagedCopy.isCurrent(s, source);
    }

    @Test
    void aRotationWritesEachKnownCopyWithOneConditionalUpdateAndReadsNone() {
        CopySynchronizer sync = knowingEveryCopy(EAGER);

        fx.sourceSeen(REF, V2);
        SyncResult stats = sync.sourcePass(REF);

        assertThat(store.calls).containsExactly("update team-a/regcred", "update team-b/regcred", "update team-c/regcred");
        assertThat(stats.written()).isEqualTo(3);
        NAMESPACES.forEach(ns -> assertThat(holds(ns, V2)).as(ns).isTrue());

        store.calls.clear();
        fx.sourceSeen(REF, V1);
        sync.sourcePass(REF);
        assertThat(store.calls).as("the next rotation too: the loop remembers the resourceVersion it wrote")
                .containsExactly("update team-a/regcred", "update team-b/regcred", "update team-c/regcred");
    }

    @Test
    void aResyncWithNothingToChangeMakesNoCallUntilTheVerifyPeriodHasPassed() {
        CopySynchronizer sync = knowingEveryCopy(EAGER);

        sync.fullPass();
        sync.sourcePass(REF);
        assertThat(store.calls).as("every copy known current").isEmpty();

        CopySynchronizer verifying = synchronizer(Duration.ZERO);
        verifying.policyChanged(null, EAGER);
        fx.sourceSeen(REF, V1);
        verifying.fullPass();
        verifying.fullPass();
        assertThat(store.calls).as("with a verify period of zero every full pass reads every copy once, and writes nothing")
                .containsExactly("get team-a/regcred", "get team-b/regcred", "get team-c/regcred",
                        "get team-a/regcred", "get team-b/regcred", "get team-c/regcred");
    }

    static Stream<Arguments> behindTheLoopsBack() {
        Consumer<Store> foreign = s -> s.put(new SecretBuilder().withNewMetadata().withNamespace("team-b").withName("regcred")
                .addToLabels("team", "b").endMetadata().withType("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", "Zm9yZWlnbg==").build());
        Consumer<Store> labelled = s -> s.put(new SecretBuilder(s.secrets.get("team-b/regcred")).editMetadata()
                .addToLabels("backup", "yes").endMetadata().build());
        Consumer<Store> deleted = s -> s.secrets.remove("team-b/regcred");
        Consumer<Store> rewrittenCurrent = s -> s.put(ManagedCopy.desired(V2, "team-b", "regcred"));
        return Stream.of(
                Arguments.of("a foreign Secret that replaced our copy is read after the refused update and never written", foreign,
                        List.of("update team-b/regcred", "get team-b/regcred"), (Consumer<Store>) s -> {
                            assertThat(s.secrets.get("team-b/regcred").getData()).containsEntry(".dockerconfigjson", "Zm9yZWlnbg==");
                            assertThat(s.secrets.get("team-b/regcred").getMetadata().getLabels()).doesNotContainKey(ManagedCopy.MANAGED_BY_LABEL);
                        }),
                Arguments.of("a copy someone labelled is read after the refused update and updated keeping the label", labelled,
                        List.of("update team-b/regcred", "get team-b/regcred", "update team-b/regcred"), (Consumer<Store>) s -> {
                            assertThat(ManagedCopy.isCurrent(s.secrets.get("team-b/regcred"), V2)).isTrue();
                            assertThat(s.secrets.get("team-b/regcred").getMetadata().getLabels()).containsEntry("backup", "yes");
                        }),
                Arguments.of("a copy deleted by hand is found gone by the update (404) and created again", deleted,
                        List.of("update team-b/regcred", "get team-b/regcred", "create team-b/regcred"),
                        (Consumer<Store>) s -> assertThat(ManagedCopy.isCurrent(s.secrets.get("team-b/regcred"), V2)).isTrue()),
                Arguments.of("a copy another writer already brought current costs the refused update and a read", rewrittenCurrent,
                        List.of("update team-b/regcred", "get team-b/regcred"),
                        (Consumer<Store>) s -> assertThat(ManagedCopy.isCurrent(s.secrets.get("team-b/regcred"), V2)).isTrue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("behindTheLoopsBack")
    void aChangeBehindTheLoopsBackMakesTheConditionalUpdateFailAndTheCopyIsJudgedOnARead(String behaviour, Consumer<Store> change,
                                                                                         List<String> teamBCalls, Consumer<Store> then) {
        CopySynchronizer sync = knowingEveryCopy(EAGER);
        change.accept(store);

        fx.sourceSeen(REF, V2);
        SyncResult stats = sync.sourcePass(REF);

        List<String> expected = new ArrayList<>(List.of("update team-a/regcred"));
        expected.addAll(teamBCalls);
        expected.add("update team-c/regcred");
        assertThat(store.calls).containsExactlyElementsOf(expected);
        assertThat(stats.failed()).isZero();
        then.accept(store);
        assertThat(holds("team-a", V2) && holds("team-c", V2)).isTrue();
    }

    @Test
    void aConditionalUpdateTheApiServerRefusesMakesTheLoopReadTheCopyAndCountAFailure() {
        NAMESPACES.forEach(ns -> store.put(ManagedCopy.desired(V1, ns, "regcred")));
        CopySynchronizer refused = fx.synchronizer(storeWithUpdate(secret -> {
            store.calls.add("update " + Store.key(secret));
            throw Store.status(403); // an admission policy says no
        }), new Pacer(1_000_000, 1_000_000, System::nanoTime), leading::get, () -> List.of("team-a"),
                new SimpleMeterRegistry(), Duration.ofHours(1), NamespaceLabels.NONE, CopyEvents.NONE);
        refused.policyChanged(null, EAGER);
        fx.sourceSeen(REF, V1);
        refused.fullPass();
        store.calls.clear();

        fx.sourceSeen(REF, V2);
        SyncResult stats = refused.sourcePass(REF);

        assertThat(store.calls).containsExactly("update team-a/regcred", "get team-a/regcred", "update team-a/regcred");
        assertThat(stats.failed()).isEqualTo(1);
        assertThat(refused.known("team-a", "regcred").hash()).as("still known stale, so the next pass tries again").isEqualTo(V1.hash());
    }

    @Test
    void aForeignSecretStaysUnwrittenOnEveryLaterRotation() {
        CopySynchronizer sync = knowingEveryCopy(EAGER);
        store.put(new SecretBuilder().withNewMetadata().withNamespace("team-b").withName("regcred").endMetadata()
                .addToData("x", "eQ==").build());
        for (SourceSecret next : List.of(V2, V1, V2)) {
            fx.sourceSeen(REF, next);
            sync.sourcePass(REF);
        }
        assertThat(store.calls).filteredOn(c -> c.endsWith("team-b/regcred") && !c.startsWith("get"))
                .as("one refused conditional update, then only reads").containsExactly("update team-b/regcred");
        assertThat(store.secrets.get("team-b/regcred").getData()).containsOnly(Map.entry("x", "eQ=="));
    }

    @Test
    void anEagerCopyInANewNamespaceIsCreatedWithOneCallAndAnExistingSecretIsReadAndJudged() {
        CopySynchronizer sync = knowingEveryCopy(EAGER);
        namespaces.add("team-d");
        namespaces.add("team-e");
        store.put(new SecretBuilder().withNewMetadata().withNamespace("team-e").withName("regcred").endMetadata()
                .addToData("x", "eQ==").build());

        sync.namespacePass("team-d");
        sync.namespacePass("team-e");

        assertThat(store.calls).containsExactly("create team-d/regcred", "create team-e/regcred", "get team-e/regcred");
        assertThat(holds("team-d", V1)).isTrue();
        assertThat(store.secrets.get("team-e/regcred").getData()).containsOnly(Map.entry("x", "eQ=="));
    }

    @Test
    void aCopyAdmissionWroteIsKnownToTheLoopWithoutARead() {
        CopySynchronizer sync = knowingEveryCopy(EAGER);
        namespaces.add("team-d");
        // admission's writes, as the API returned them, told to the store the loop shares (as admission's CopyWriter does)
        fx.copies.observed(new SecretKey("team-d", "regcred"), REF, V1, store.create(ManagedCopy.desired(V1, "team-d", "regcred")));
        fx.copies.observed(new SecretKey("team-e", "regcred"), REF, V1,
                store.put(new SecretBuilder().withNewMetadata().withNamespace("team-e").withName("regcred").endMetadata().build()));
        store.calls.clear();

        sync.namespacePass("team-d");
        fx.sourceSeen(REF, V2);
        sync.sourcePass(REF);

        assertThat(store.calls).as("current at first: no call; then one conditional update like every other known copy")
                .containsExactly("update team-a/regcred", "update team-b/regcred", "update team-c/regcred", "update team-d/regcred");
        assertThat(sync.known("team-e", "regcred")).as("a Secret that is not a copy is not learned").isNull();
    }

    @Test
    void aNamespaceTheCredentialDoesNotServeCostsNoCallWithoutPrune() {
        CopySynchronizer sync = knowingEveryCopy(EAGER);
        namespaces.add("team-x");
        fx.sourceSeen(REF, V2);
        sync.sourcePass(REF);
        sync.fullPass();
        assertThat(store.calls).noneMatch(c -> c.contains("team-x"));
    }

    @Test
    void pruneStillReadsAndDeletesAKnownCopyWithItsPrecondition() {
        InjectionPolicy pruning = policy("eager: true\n    prune: true");
        CopySynchronizer sync = knowingEveryCopy(pruning);
        InjectionPolicy excluded = new PolicyParser().parse("""
                apiVersion: pullsecret-injector.io/v1alpha1
                kind: InjectionPolicy
                excludeNamespaces: [team-b]
                registryCredentials:
                  - existingSecret: regcred
                    existingSecretNamespace: registry-creds
                    eager: true
                    prune: true
                """).policy();
        sync.policyChanged(pruning, excluded);

        sync.sourcePass(REF);

        assertThat(store.calls).containsExactly("get team-b/regcred", "delete team-b/regcred");
        assertThat(store.secrets).doesNotContainKey("team-b/regcred");
    }

    @Test
    void aLeaderThatLosesTheLeaseMidRotationWritesNoMore() {
        CopySynchronizer sync = fx.synchronizer(storeWithUpdate(secret -> {
            Secret s = store.update(secret);
            leading.set(false); // the lease is lost while the first write is in flight
            return s;
        }), new Pacer(1_000_000, 1_000_000, System::nanoTime), leading::get, () -> namespaces,
                new SimpleMeterRegistry(), Duration.ofHours(1), NamespaceLabels.NONE, CopyEvents.NONE);
        NAMESPACES.forEach(ns -> store.put(ManagedCopy.desired(V1, ns, "regcred")));
        sync.policyChanged(null, EAGER);
        fx.sourceSeen(REF, V1);
        sync.fullPass();
        store.calls.clear();

        fx.sourceSeen(REF, V2);
        assertThatThrownBy(() -> sync.sourcePass(REF)).isInstanceOf(CopySynchronizer.Stopped.class);
        assertThat(store.calls).containsExactly("update team-a/regcred");
    }

    @Test
    void aNewLeaderForgetsWhatItKnewAndVerifiesFirst() {
        CopySynchronizer sync = knowingEveryCopy(EAGER);
        sync.forgetAll();
        sync.fullPass();
        assertThat(store.calls).containsExactly("get team-a/regcred", "get team-b/regcred", "get team-c/regcred");
    }

    @Test
    void whatTheLoopRemembersPerCopyIsAResourceVersionAndTheSharedHash() {
        CopySynchronizer sync = knowingEveryCopy(EAGER);
        KnownCopies.KnownCopy a = sync.known("team-a", "regcred");
        KnownCopies.KnownCopy b = sync.known("team-b", "regcred");
        assertThat(a.resourceVersion()).isNotNull();
        assertThat(a.hash()).isEqualTo(V1.hash());
        assertThat(a.hash()).as("one String instance shared by every copy").isSameAs(b.hash());
    }
}
