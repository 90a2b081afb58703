package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.api.KubernetesSecretApi;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.pullsecretinjector.secrets.known.KnownSources;
import io.pullsecretinjector.secrets.watch.NamespaceWatch;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.config.PolicyLoader;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.testing.Await;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The sync loop driven as a user would, against the fabric8 mock API server in CRUD mode: the
 * policy is the real ConfigMap (watched), sources and copies are real Secrets, the leader holds a
 * real Lease. Copies "made at admission" are created here the way the webhook makes them. Each
 * test applies its own policy and uses its own namespaces, so any order works; the application's
 * loop (replica-a) leads throughout, and the takeover test runs two replicas of its own.
 */
@QuarkusTest
@TestProfile(SyncLoopTest.SyncOn.class)
@WithKubernetesTestServer(crud = true)
class SyncLoopTest {

    /** The loop on, with leader election, a short resync and a fast pace; the policy from its ConfigMap. */
    public static class SyncOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "injector.sync", "true",
                    "injector.policy-file", "",
                    "injector.resync-period", "2s",
                    "injector.sync-verify-period", "2s",
                    "injector.sync-qps", "500",
                    "injector.sync-burst", "500",
                    "injector.leader-election", "true",
                    "injector.leader-identity", "replica-a",
                    "injector.leader-lease-duration", "3s");
        }
    }

    static final String NS = "pullsecret-injector";
    static final String SOURCES = "registry-creds";
    static final AtomicInteger EDITS = new AtomicInteger();

    @Inject
    KubernetesClient client;

    @Inject
    PolicyStore store;

    @Inject
    SyncService sync;

    @Inject
    MeterRegistry metrics;

    @Inject
    io.pullsecretinjector.admission.PodMutationHandler handler;

    @TestHTTPResource(value = "/health/ready", management = true) // the management root is /q
    URL ready;

    static String policy(String credentials, String exclude) {
        return """
                apiVersion: pullsecret-injector.io/v1alpha1
                kind: InjectionPolicy
                excludeNamespaces: [kube-system, %s]
                registryCredentials:
                %s
                """.formatted(exclude, credentials.indent(2));
    }

    static final String ROTATING = """
            - existingSecret: rotating
              existingSecretNamespace: registry-creds
              registries: ["rotate.example.com"]""";
    static final String EAGER = """
            - existingSecret: eager-src
              existingSecretNamespace: registry-creds
              targetSecretName: eager-copy
              registries: ["eager.example.com"]
              excludeNamespaces: ["no-eager-*"]
              eager: true""";
    static final String PRUNED = """
            - existingSecret: prunable
              existingSecretNamespace: registry-creds
              targetSecretName: prune-copy
              registries: ["prune.example.com"]
              prune: true""";
    static final String KEPT = """
            - existingSecret: keepable
              existingSecretNamespace: registry-creds
              targetSecretName: keep-copy
              registries: ["keep.example.com"]""";

    @Test
    void rotatingASourceUpdatesEveryCopyWithinTenSecondsAndLeavesCurrentCopiesAlone() {
        Secret v1 = putSource("rotating", "token-v1");
        applyPolicy(policy(ROTATING, "\"excluded-*\""));
        List<String> namespaces = List.of("rot-1", "rot-2", "rot-3");
        namespaces.forEach(ns -> copyAsAdmissionDoes(v1, ns, "rotating"));
        Secret users = usersSecret("rot-user", "rotating");
        awaitLeader();

        putSource("rotating", "token-v2");

        await("every copy holds token-v2 within 10 s", Duration.ofSeconds(10),
                () -> namespaces.stream().allMatch(ns -> data(ns, "rotating").equals(config("token-v2"))));
        assertThat(client.secrets().inNamespace("rot-user").withName("rotating").get().getData()).isEqualTo(users.getData());

        Map<String, String> versions = resourceVersions(namespaces, "rotating");
        double writes = writes();
        awaitFullPasses(2);
        assertThat(resourceVersions(namespaces, "rotating")).as("current copies are not written again").isEqualTo(versions);
        assertThat(writes()).isEqualTo(writes);

        // a change to the source's metadata only (same content hash) writes nothing either
        client.secrets().inNamespace(SOURCES).withName("rotating").edit(s -> new SecretBuilder(s).editMetadata()
                .addToLabels("touched", "yes").endMetadata().build());
        awaitFullPasses(2);
        assertThat(resourceVersions(namespaces, "rotating")).isEqualTo(versions);
    }

    @Test
    void aSourceDeletedAndRecreatedIsPickedUpAgainAndItsCopiesStayMeanwhile() {
        Secret v1 = putSource("rotating", "token-before-delete");
        applyPolicy(policy(ROTATING, "\"excluded-*\""));
        copyAsAdmissionDoes(v1, "recreate-1", "rotating");
        copyAsAdmissionDoes(v1, "recreate-2", "rotating");
        awaitFullPasses(2);

        client.secrets().inNamespace(SOURCES).withName("rotating").delete();
        await("the missing source is reported", Duration.ofSeconds(10), () -> gauge("pullsecret_injector_sources_missing") >= 1);
        awaitFullPasses(2);
        assertThat(data("recreate-1", "rotating")).as("the copy is kept while the source is gone").isEqualTo(config("token-before-delete"));

        putSource("rotating", "token-recreated");

        await("the recreated source's content is in every copy", Duration.ofSeconds(10),
                () -> data("recreate-1", "rotating").equals(config("token-recreated")) && data("recreate-2", "rotating").equals(config("token-recreated")));
        assertThat(gauge("pullsecret_injector_sources_missing")).isZero();
    }

    @Test
    void aCopyDeletedByHandIsRestoredByTheResync() {
        Secret source = putSource("rotating", "token-restore");
        putSource("eager-src", "eager-token");
        applyPolicy(policy(ROTATING + "\n" + EAGER, "\"excluded-*\""));
        namespace("hand-1");
        copyAsAdmissionDoes(source, "hand-1", "rotating");
        await("the eager copy is made", Duration.ofSeconds(10), () -> exists("hand-1", "eager-copy"));
        awaitFullPasses(2);

        client.secrets().inNamespace("hand-1").withName("rotating").delete();
        client.secrets().inNamespace("hand-1").withName("eager-copy").delete();

        await("both copies are back", Duration.ofSeconds(10), () -> exists("hand-1", "rotating") && exists("hand-1", "eager-copy"));
        assertThat(data("hand-1", "rotating")).isEqualTo(config("token-restore"));
    }

    @Test
    void anEagerCredentialIsCopiedIntoANewNamespaceAtOnce() {
        putSource("eager-src", "eager-token");
        applyPolicy(policy(ROTATING + "\n" + EAGER, "\"excluded-*\""));
        awaitFullPasses(1);

        namespace("eager-new");
        namespace("no-eager-here");
        namespace("excluded-new");

        await("the copy is in the new namespace within 10 s", Duration.ofSeconds(10), () -> exists("eager-new", "eager-copy"));
        assertThat(ManagedCopy.isOurs(client.secrets().inNamespace("eager-new").withName("eager-copy").get(), SOURCES + "/eager-src")).isTrue();
        assertThat(exists("eager-new", "rotating")).as("a credential without eager waits for a Pod").isFalse();
        awaitFullPasses(2);
        assertThat(exists("no-eager-here", "eager-copy")).as("excluded by the credential").isFalse();
        assertThat(exists("excluded-new", "eager-copy")).as("excluded by the policy").isFalse();
    }

    @Test
    void pruneDeletesOnlyTheCopiesTheInjectorMade() {
        Secret prunable = putSource("prunable", "prune-token");
        Secret keepable = putSource("keepable", "keep-token");
        putSource("rotating", "token-prune");
        applyPolicy(policy(ROTATING + "\n" + PRUNED + "\n" + KEPT, "\"excluded-*\""));
        copyAsAdmissionDoes(prunable, "prune-1", "prune-copy");
        copyAsAdmissionDoes(prunable, "prune-2", "prune-copy");
        copyAsAdmissionDoes(keepable, "prune-1", "keep-copy");
        Secret users = usersSecret("prune-user", "prune-copy");
        awaitFullPasses(2);

        // prune-2 becomes excluded: only its copy goes
        applyPolicy(policy(ROTATING + "\n" + PRUNED + "\n" + KEPT, "\"excluded-*\", prune-2"));
        await("the copy in the excluded namespace is deleted", Duration.ofSeconds(10), () -> !exists("prune-2", "prune-copy"));
        assertThat(exists("prune-1", "prune-copy")).isTrue();

        // both credentials leave the policy: prune's copies go, the other's stay, the user's Secret survives
        applyPolicy(policy(ROTATING, "\"excluded-*\""));
        await("the pruned credential's copies are deleted", Duration.ofSeconds(10), () -> !exists("prune-1", "prune-copy"));
        awaitFullPasses(2);
        assertThat(exists("prune-1", "keep-copy")).as("prune is off for that credential").isTrue();
        assertThat(client.secrets().inNamespace("prune-user").withName("prune-copy").get().getData()).isEqualTo(users.getData());
        assertThat(sync.loop().synchronizer().retired()).isEmpty();
    }

    @Test
    void anInvalidPolicyEditKeepsTheLastGoodOneAndReadinessSaysSoWhileStayingUp() {
        applyPolicy(policy(ROTATING, "\"excluded-*\""));
        PolicyStore.Loaded good = store.current();

        putPolicyConfigMap(policy(ROTATING + "\n  eager: \"true\"\n  colour: blue", "\"excluded-*\""));

        await("the edit is refused", Duration.ofSeconds(5), () -> store.lastRefusal() != null);
        assertThat(store.current()).isSameAs(good);
        JsonPath health = readiness();
        assertThat(health.getString("status")).isEqualTo("UP");
        String refusal = health.getString("checks.find { it.name == 'policy' }.data.lastRefusal");
        assertThat(refusal).contains("registryCredentials[0].eager: must be true or false", "registryCredentials[0].colour: is not a known field",
                "stays in force");
        assertThat(gauge("pullsecret_injector_policy_valid")).isZero();

        applyPolicy(policy(ROTATING, "\"excluded-*\", \"later-*\"")); // waits at most 5 s for the edit to apply
        assertThat(readiness().getString("checks.find { it.name == 'policy' }.data.lastRefusal")).isNull();
        assertThat(gauge("pullsecret_injector_policy_valid")).isEqualTo(1.0);
        assertThat(gauge("pullsecret_injector_policy_last_load_timestamp_seconds")).isGreaterThan(0);
    }

    static final String REPLICATED = """
            - existingSecret: replicated
              existingSecretNamespace: registry-creds
              registries: ["replica.example.com"]""";

    @Test
    void aSecondReplicaWithoutTheLeaseWritesNothingAndTakesOverWhenTheLeaderStops() {
        namespace(NS);
        Secret v1 = putSource("replicated", "token-replica-v1");
        copyAsAdmissionDoes(v1, "replica-1", "replicated");
        // two replicas of their own, on a lease and a credential the application's loop does not use
        PolicyStore replicaPolicy = new PolicyStore();
        replicaPolicy.apply(policy(REPLICATED, "\"excluded-*\""), "test");
        RecordingApi callsOfB = new RecordingApi(new KubernetesSecretApi(client));
        RecordingApi callsOfC = new RecordingApi(new KubernetesSecretApi(client));
        SimpleMeterRegistry metricsOfB = new SimpleMeterRegistry();
        try (SyncLoop replicaB = replica("replica-b", callsOfB, replicaPolicy, metricsOfB);
             SyncLoop replicaC = replica("replica-c", callsOfC, replicaPolicy, new SimpleMeterRegistry())) {
            replicaB.start();
            await("replica-b leads", Duration.ofSeconds(10), replicaB::leading);
            replicaC.start();

            putSource("replicated", "token-replica-v2");
            await("the leader updated the copy", Duration.ofSeconds(10), () -> data("replica-1", "replicated").equals(config("token-replica-v2")));
            double passes = metricsOfB.counter("pullsecret_injector_sync_runs", "kind", "full").count();
            await("two more full passes of the leader", Duration.ofSeconds(15),
                    () -> metricsOfB.counter("pullsecret_injector_sync_runs", "kind", "full").count() >= passes + 2);
            assertThat(replicaC.leading()).isFalse();
            assertThat(callsOfC.snapshot()).as("API calls of the replica without the lease").isEmpty();

            // the leader stops (as on shutdown): it releases the lease and replica-c takes over
            replicaB.close();
            await("replica-c leads", Duration.ofSeconds(10), replicaC::leading);
            assertThat(client.leases().inNamespace(NS).withName(REPLICAS_LEASE).get().getSpec().getHolderIdentity()).isEqualTo("replica-c");
            putSource("replicated", "token-replica-v3");
            await("replica-c updated the copy", Duration.ofSeconds(10), () -> data("replica-1", "replicated").equals(config("token-replica-v3")));
            assertThat(callsOfC.snapshot()).anyMatch(c -> c.startsWith("update replica-1/replicated"));
        }
    }

    static final String REPLICAS_LEASE = "replicas-of-the-takeover-test";

    static final String TENANTS = """
            - existingSecret: payments-src
              existingSecretNamespace: registry-creds
              targetSecretName: payments-copy
              registries: ["payments.example.com"]
              namespaceSelector:
                matchLabels: {team: payments}
              prune: true
            - existingSecret: search-src
              existingSecretNamespace: registry-creds
              targetSecretName: search-copy
              registries: ["search.example.com"]
              namespaceSelector:
                matchExpressions:
                  - {key: team, operator: In, values: [search]}
              eager: true""";

    @Test
    void aNamespaceChangingTenantLosesThePrunedCopyAndGetsTheEagerOneWithinTenSecondsWithoutWaitingForAResync() {
        namespace(NS);
        Secret payments = putSource("payments-src", "payments-token");
        putSource("search-src", "search-token");
        labelledNamespace("tenant-move", Map.of("team", "payments"));
        copyAsAdmissionDoes(payments, "tenant-move", "payments-copy");
        Secret users = usersSecret("tenant-users", "payments-copy");
        labelledNamespace("tenant-users", Map.of("team", "payments"));
        // a replica of its own whose resync is an hour away, on a policy the application's loop does not have:
        // only the reaction to the label change can move the copies within the test
        PolicyStore tenants = new PolicyStore();
        tenants.apply(policy(TENANTS, "\"excluded-*\""), "test");
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SyncLoop.Settings settings = new SyncLoop.Settings(NS, Duration.ofHours(1), 500, 500, true, "tenants-test-lease", "replica-t",
                Duration.ofSeconds(3), Duration.ZERO);
        try (SyncLoop loop = otherReplica(settings, new KubernetesSecretApi(client), tenants, registry,
                (reason, namespace, name, note) -> events.add(reason + " " + namespace + "/" + name))) {
            loop.start();
            await("replica-t leads and has made its first full pass", Duration.ofSeconds(10),
                    () -> registry.find("pullsecret_injector_sync_last_full_pass_timestamp_seconds").gauge() != null
                            && registry.get("pullsecret_injector_sync_last_full_pass_timestamp_seconds").gauge().value() > 0);
            assertThat(exists("tenant-move", "payments-copy")).isTrue();
            assertThat(exists("tenant-move", "search-copy")).as("not served yet").isFalse();

            client.namespaces().withName("tenant-move").edit(n -> new NamespaceBuilder(n).editMetadata().addToLabels("team", "search")
                    .endMetadata().build());
            client.namespaces().withName("tenant-users").edit(n -> new NamespaceBuilder(n).editMetadata().addToLabels("team", "search")
                    .endMetadata().build());

            await("the pruned copy is deleted and the eager copy made within 10 s", Duration.ofSeconds(10),
                    () -> !exists("tenant-move", "payments-copy") && exists("tenant-move", "search-copy"));
            assertThat(ManagedCopy.isOurs(client.secrets().inNamespace("tenant-move").withName("search-copy").get(), SOURCES + "/search-src"))
                    .isTrue();
            await("the eager copy is made in the other relabelled namespace too", Duration.ofSeconds(10),
                    () -> exists("tenant-users", "search-copy"));
            assertThat(client.secrets().inNamespace("tenant-users").withName("payments-copy").get().getData())
                    .as("a Secret the injector did not make is never deleted").isEqualTo(users.getData());
            assertThat(events).contains("CopyDeleted tenant-move/payments-copy", "CopyCreated tenant-move/search-copy");
        }
    }

    @Test
    void theFirstPodRecordsCopyCreatedRegardingTheCopyAndADeletedSourceRecordsSourceMissingRegardingTheSource() throws Exception {
        putSource("regcred", "events-token");
        applyPolicy(policy("""
                - existingSecret: regcred
                  existingSecretNamespace: registry-creds
                  targetSecretName: events-copy
                  registries: ["registry.example.com"]""", "\"excluded-*\""));
        awaitLeader();
        namespace("events-1");
        var review = io.pullsecretinjector.admission.Reviews.inNamespace(
                io.pullsecretinjector.admission.Reviews.fixture("pod-create-private-registry-generatename"), "events-1");

        for (int i = 0; i < 20; i++) {
            handler.handle(io.pullsecretinjector.admission.ReviewDecoder.decode(io.pullsecretinjector.admission.Reviews.bytes(review)))
                    .toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }

        await("an Event CopyCreated regarding the copy", Duration.ofSeconds(10), () -> events("events-1").stream()
                .anyMatch(e -> e.getReason().equals("CopyCreated") && e.getRegarding().getName().equals("events-copy")));
        assertThat(events("events-1")).as("twenty Pods, one copy made: one Event").hasSize(1);

        client.secrets().inNamespace(SOURCES).withName("regcred").delete();

        await("an Event SourceMissing regarding the source", Duration.ofSeconds(10), () -> events(SOURCES).stream()
                .anyMatch(e -> e.getReason().equals("SourceMissing") && e.getRegarding().getName().equals("regcred")
                        && e.getRegarding().getNamespace().equals(SOURCES) && e.getType().equals("Warning")));
        assertThat(events(SOURCES)).filteredOn(e -> e.getReason().equals("SourceMissing")).singleElement()
                .satisfies(e -> assertThat(e.getNote()).contains("Recreate it").doesNotContain(config("events-token")));
    }

    List<io.fabric8.kubernetes.api.model.events.v1.Event> events(String namespace) {
        return client.events().v1().events().inNamespace(namespace).list().getItems();
    }

    void labelledNamespace(String name, Map<String, String> labels) {
        namespace(name);
        client.namespaces().withName(name).edit(n -> new NamespaceBuilder(n).editMetadata().withLabels(labels).endMetadata().build());
    }

    SyncLoop replica(String identity, SecretApi api, PolicyStore policy, MeterRegistry registry) {
        SyncLoop.Settings settings = new SyncLoop.Settings(NS, Duration.ofSeconds(1), 500, 500, true, REPLICAS_LEASE, identity,
                Duration.ofSeconds(3), Duration.ZERO);
        return otherReplica(settings, api, policy, registry, CopyEvents.NONE);
    }

    /** The namespace watches of the other replicas this test started, closed after it as their processes would be. */
    final List<NamespaceWatch> otherWatches = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A loop as another replica runs it: with its own memory of copies and sources, and its own namespace watch. */
    SyncLoop otherReplica(SyncLoop.Settings settings, SecretApi api, PolicyStore policy, MeterRegistry registry, CopyEvents events) {
        NamespaceWatch watch = new NamespaceWatch(client, settings.resyncPeriod().plusSeconds(30));
        otherWatches.add(watch);
        return new SyncLoop(client, settings, api, new KnownCopies(Duration.ofMinutes(1), System::nanoTime),
                new KnownSources(Duration.ofMinutes(1), System::nanoTime), policy, registry, watch, events);
    }

    @org.junit.jupiter.api.AfterEach
    void closeOtherWatches() {
        otherWatches.forEach(NamespaceWatch::close);
        otherWatches.clear();
    }

    // ---- helpers ----

    /** A SecretApi that records every call and passes it on. */
    static final class RecordingApi implements SecretApi {
        final SecretApi delegate;
        final List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());

        RecordingApi(SecretApi delegate) {
            this.delegate = delegate;
        }

        /** The calls so far; the loop's thread may still be adding, so never iterate {@link #log} itself. */
        List<String> snapshot() {
            synchronized (log) {
                return List.copyOf(log);
            }
        }

        @Override
        public Secret get(String namespace, String name) {
            log.add("get " + namespace + "/" + name);
            return delegate.get(namespace, name);
        }

        @Override
        public Secret create(Secret secret) {
            log.add("create " + secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName());
            return delegate.create(secret);
        }

        @Override
        public Secret update(Secret secret) {
            log.add("update " + secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName());
            return delegate.update(secret);
        }

        @Override
        public boolean delete(Secret secret) {
            log.add("delete " + secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName());
            return delegate.delete(secret);
        }
    }

    void applyPolicy(String yaml) {
        PolicyStore.Loaded before = store.current();
        putPolicyConfigMap(yaml + "# edit " + EDITS.incrementAndGet() + "\n");
        await("the policy edit is applied", Duration.ofSeconds(5), () -> store.current() != null && store.current() != before);
    }

    void putPolicyConfigMap(String yaml) {
        namespace(NS);
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName(PolicyLoader.DEFAULT_CONFIGMAP)
                .withNamespace(NS).endMetadata().addToData(PolicyLoader.POLICY_KEY, yaml).build()).createOr(op -> op.update());
    }

    JsonPath readiness() {
        var response = given().get(ready);
        assertThat(response.contentType()).as(ready + " answered " + response.statusCode() + ": " + response.asString()).contains("json");
        return response.jsonPath();
    }

    void awaitLeader() {
        await("this replica leads", Duration.ofSeconds(10), () -> sync.loop().leading());
        Lease lease = client.leases().inNamespace(NS).withName("pullsecret-injector-leader").get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("replica-a");
    }

    void awaitFullPasses(int n) {
        double before = metrics.counter("pullsecret_injector_sync_runs", "kind", "full").count();
        await(n + " more full passes", Duration.ofSeconds(15),
                () -> metrics.counter("pullsecret_injector_sync_runs", "kind", "full").count() >= before + n);
    }

    double writes() {
        return metrics.get("pullsecret_injector_sync_writes").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    double gauge(String name) {
        return metrics.get(name).gauge().value();
    }

    Secret putSource(String name, String token) {
        namespace(SOURCES);
        return client.secrets().inNamespace(SOURCES).resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(SOURCES).endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", config(token)).build()).createOr(op -> op.update());
    }

    void copyAsAdmissionDoes(Secret source, String namespace, String name) {
        namespace(namespace);
        client.secrets().inNamespace(namespace).resource(ManagedCopy.desired(SourceSecret.from(source), namespace, name))
                .createOr(op -> op.update());
    }

    Secret usersSecret(String namespace, String name) {
        namespace(namespace);
        return client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .endMetadata().withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", config("users-own")).build()).create();
    }

    void namespace(String name) {
        if (client.namespaces().withName(name).get() == null) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        }
    }

    boolean exists(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get() != null;
    }

    String data(String namespace, String name) {
        Secret s = client.secrets().inNamespace(namespace).withName(name).get();
        return s == null || s.getData() == null ? "" : s.getData().getOrDefault(".dockerconfigjson", "");
    }

    Map<String, String> resourceVersions(List<String> namespaces, String name) {
        Map<String, String> out = new java.util.TreeMap<>();
        namespaces.forEach(ns -> out.put(ns, client.secrets().inNamespace(ns).withName(name).get().getMetadata().getResourceVersion()));
        return out;
    }

    static String config(String token) {
        String json = "{\"auths\":{\"rotate.example.com\":{\"username\":\"ci\",\"password\":\"" + token + "\"}}}";
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static void await(String what, Duration max, BooleanSupplier condition) {
        Await.until(what, max, condition);
    }
}
