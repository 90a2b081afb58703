package io.pullsecretinjector.secrets.admission;

import io.pullsecretinjector.secrets.api.FakeSecretApi;
import io.pullsecretinjector.secrets.copy.CopyOutcome;
import io.pullsecretinjector.secrets.copy.CopyResult;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.copy.CopyDecisionTest;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import io.pullsecretinjector.config.TestConfigs;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.known.KnownCopies;
import org.junit.jupiter.api.Test;

class SecretReplicatorTest {

    static final String CONFIG = "eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6e319fQ==";
    final FakeSecretApi api = new FakeSecretApi();
    final AtomicLong now = new AtomicLong();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    /** What is known of each copy, shared with the sync loop in production; cache-ttl 60 s on the test's clock. */
    final KnownCopies copies = new KnownCopies(Duration.ofSeconds(60), now::get);
    final SecretReplicator replicator = new SecretReplicator(api, copies, TestConfigs.defaults(), metrics, new BackgroundRenewals(Runnable::run),
            CopyEvents.NONE);
    final SourceSecret source = sourceWith(CONFIG);

    static SourceSecret sourceWith(String config) {
        return SourceSecret.from(new SecretBuilder().withNewMetadata().withNamespace("creds").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", config).build());
    }

    /** Puts a Secret in the API as if it were there before the replicator started; returns it as stored. */
    Secret alreadyThere(Secret secret) {
        api.put(secret);
        api.calls.clear();
        return api.secrets.get(FakeSecretApi.key(secret));
    }

    /** Ensures the copy once (so it is seen), lets cache-ttl run out and clears the call log. */
    void seenBeforeAndExpired() {
        assertThat(replicator.ensure("team-a", "pull", source).result().usable()).isTrue();
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        api.calls.clear();
    }

    @Test
    void aMissingCopyIsCreatedWithTheSourceContent() {
        CopyOutcome outcome = replicator.ensure("team-a", "pull", source);

        assertThat(outcome).isEqualTo(CopyOutcome.of(CopyResult.CREATED));
        Secret copy = api.secrets.get("team-a/pull");
        assertThat(copy.getData()).isEqualTo(Map.of(".dockerconfigjson", CONFIG));
        assertThat(ManagedCopy.isOurs(copy, "creds/regcred")).isTrue();
        assertThat(ManagedCopy.isCurrent(copy, source)).isTrue();
    }

    @Test
    void aCopyBeingDeletedIsNeitherUpdatedNorReferencedAndTheNextPodGetsANewOne() {
        Secret deleting = alreadyThere(CopyDecisionTest.beingDeleted(ManagedCopy.desired(sourceWith(CONFIG + "Cg=="), "team-a", "pull")));

        CopyOutcome outcome = replicator.ensure("team-a", "pull", source);

        assertThat(outcome.result().usable()).as("the Pod does not reference a copy on its way out").isFalse();
        assertThat(outcome.warning()).contains("is being deleted; the next Pod gets a new copy");
        assertThat(api.secrets.get("team-a/pull")).as("nothing written").isEqualTo(deleting);
        assertThat(replicator.known("team-a", "pull", source)).as("not remembered as current").isNull();
    }

    @Test
    void aCopyNeverSeenInANewNamespaceIsCreatedWithOneCall() {
        assertThat(replicator.ensure("team-a", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.CREATED));

        assertThat(api.snapshot()).containsExactly("create team-a/pull");
    }

    @Test
    void aCopyNeverSeenSinceStartThatIsOursAndCurrentIsReadAfterTheConflictAndLeftAsItIs() {
        Secret there = alreadyThere(ManagedCopy.desired(source, "team-a", "pull"));

        assertThat(replicator.ensure("team-a", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.UNCHANGED));

        assertThat(api.snapshot()).containsExactly("create team-a/pull", "get team-a/pull");
        assertThat(api.secrets.get("team-a/pull")).as("nothing written").isEqualTo(there);
    }

    @Test
    void aCopyNeverSeenSinceStartThatIsOursAndStaleIsReadAfterTheConflictAndUpdated() {
        alreadyThere(ManagedCopy.desired(sourceWith(CONFIG + "Cg=="), "team-a", "pull"));

        assertThat(replicator.ensure("team-a", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.UPDATED));

        assertThat(api.snapshot()).containsExactly("create team-a/pull", "get team-a/pull", "update team-a/pull");
        assertThat(ManagedCopy.isCurrent(api.secrets.get("team-a/pull"), source)).isTrue();
    }

    @Test
    void aCreateConflictWithNothingThereAnyMoreFailsAndTheNextCallCreates() {
        api.failWith = call -> call.startsWith("create") ? 409 : null;

        CopyOutcome outcome = replicator.ensure("team-a", "pull", source);

        assertThat(outcome.result()).isEqualTo(CopyResult.FAILED);
        assertThat(outcome.warning()).contains("another writer changed secret team-a/pull at the same time (409)", "the next Pod will retry");
        assertThat(api.snapshot()).containsExactly("create team-a/pull", "get team-a/pull");

        api.failWith = call -> null;
        assertThat(replicator.ensure("team-a", "pull", source).result()).isEqualTo(CopyResult.CREATED);
    }

    @Test
    void aCopySeenBeforeWhoseTtlRanOutIsReadFirstAndNotCreated() {
        seenBeforeAndExpired();

        assertThat(replicator.ensure("team-a", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.UNCHANGED));

        assertThat(api.snapshot()).containsExactly("get team-a/pull");
    }

    @Test
    void aCopySeenBeforeThatWasDeletedMeanwhileIsReadThenCreated() {
        seenBeforeAndExpired();
        api.secrets.remove("team-a/pull");

        assertThat(replicator.ensure("team-a", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.CREATED));

        assertThat(api.snapshot()).containsExactly("get team-a/pull", "create team-a/pull");
        assertThat(ManagedCopy.isCurrent(api.secrets.get("team-a/pull"), source)).isTrue();
    }

    @Test
    void aCopyTheSyncLoopWroteStaysAnsweredFromMemoryAndIsCheckedInTheBackgroundWithAGetFirst() {
        replicator.ensure("team-a", "pull", source);
        api.calls.clear();

        // the sync loop wrote the copy, and told the store it shares with admission
        copies.writtenInBackground(new SecretKey("team-a", "pull"), source.ref(), source, api.secrets.get("team-a/pull"));
        api.calls.clear();

        assertThat(replicator.known("team-a", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.UNCHANGED));
        assertThat(api.snapshot()).as("the review itself makes no call").isEmpty();
        replicator.renewIfDue("team-a", "pull", () -> source);
        assertThat(api.snapshot()).containsExactly("get team-a/pull");
    }

    @Test
    void aCopyTheSyncLoopCreatedIsAnsweredFromMemoryForTheFirstPod() {
        // the sync loop's write, as the API returned it, told to the store it shares with admission
        copies.writtenInBackground(new SecretKey("team-b", "pull"), source.ref(), source, api.create(ManagedCopy.desired(source, "team-b", "pull")));
        api.calls.clear();

        assertThat(replicator.ensure("team-b", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.UNCHANGED));
        assertThat(api.snapshot()).isEmpty();
    }

    @Test
    void aRenewalAskedForACopyNeverSeenLeavesItNeverSeen() {
        copies.renewSoon(new SecretKey("team-a", "pull"));

        assertThat(replicator.ensure("team-a", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.CREATED));
        assertThat(api.snapshot()).containsExactly("create team-a/pull");
    }

    @Test
    void aServerErrorOnReadingACopySeenBeforeNamesTheGet() {
        seenBeforeAndExpired();
        api.failWith = call -> call.startsWith("get") ? 500 : null;

        CopyOutcome outcome = replicator.ensure("team-a", "pull", source);

        assertThat(outcome.warning()).contains("the Kubernetes API failed (500) on get secret team-a/pull", "the next Pod will retry");
        assertThat(api.snapshot()).containsExactly("get team-a/pull");
    }

    @Test
    void aKnownCurrentCopyIsAnsweredFromMemoryUntilTheTtlRunsOut() {
        replicator.ensure("team-a", "pull", source);
        api.calls.clear();

        assertThat(replicator.known("team-a", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.UNCHANGED));
        assertThat(replicator.ensure("team-a", "pull", source).result()).isEqualTo(CopyResult.UNCHANGED);
        assertThat(api.snapshot()).as("no API call while the copy is known current").isEmpty();

        now.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(replicator.known("team-a", "pull", source)).isNull();
        assertThat(replicator.ensure("team-a", "pull", source).result()).isEqualTo(CopyResult.UNCHANGED);
        assertThat(api.snapshot()).containsExactly("get team-a/pull");
    }

    @Test
    void aRotatedSourceKeepsReviewsOnTheWarmPathAndTheCopyIsUpdatedInTheBackground() {
        replicator.ensure("team-a", "pull", source);
        api.calls.clear();
        SourceSecret rotated = SourceSecret.from(new SecretBuilder().withNewMetadata().withNamespace("creds").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", CONFIG + "Cg==").build());

        assertThat(replicator.known("team-a", "pull", rotated)).as("the copy is there; the Pod only needs its name")
                .isEqualTo(CopyOutcome.of(CopyResult.UNCHANGED));
        assertThat(api.snapshot()).isEmpty();
        replicator.renewIfDue("team-a", "pull", () -> rotated);
        assertThat(api.snapshot()).containsExactly("get team-a/pull", "update team-a/pull");
        assertThat(api.secrets.get("team-a/pull").getData().get(".dockerconfigjson")).isEqualTo(CONFIG + "Cg==");
    }

    @Test
    void aRotatedSourceIsWrittenAtOnceWhenTheCopyIsNotKnown() {
        replicator.ensure("team-a", "pull", source);
        now.addAndGet(Duration.ofSeconds(61).toNanos());
        SourceSecret rotated = SourceSecret.from(new SecretBuilder().withNewMetadata().withNamespace("creds").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", CONFIG + "Cg==").build());

        assertThat(replicator.known("team-a", "pull", rotated)).isNull();
        assertThat(replicator.ensure("team-a", "pull", rotated).result()).isEqualTo(CopyResult.UPDATED);
        assertThat(api.secrets.get("team-a/pull").getData().get(".dockerconfigjson")).isEqualTo(CONFIG + "Cg==");
    }

    @Test
    void aSecretSomeoneElseOwnsIsNeverWritten() {
        alreadyThere(new SecretBuilder().withNewMetadata().withNamespace("team-a").withName("pull").endMetadata().addToData("x", "eQ==").build());

        CopyOutcome outcome = replicator.ensure("team-a", "pull", source);

        assertThat(outcome.result()).isEqualTo(CopyResult.FOREIGN);
        assertThat(outcome.warning()).contains("team-a/pull already exists", "set a different targetSecretName");
        assertThat(api.snapshot()).as("never seen since start: create, its 409, then a look").containsExactly("create team-a/pull", "get team-a/pull");
        assertThat(api.secrets.get("team-a/pull").getData()).isEqualTo(Map.of("x", "eQ=="));
    }

    @Test
    void aCopyOfAnotherSourceIsNotOurs() {
        api.put(new SecretBuilder(ManagedCopy.desired(source, "team-a", "pull")).editMetadata()
                .addToAnnotations(ManagedCopy.SOURCE_ANNOTATION, "other/secret").endMetadata().build());

        assertThat(replicator.ensure("team-a", "pull", source).result()).isEqualTo(CopyResult.FOREIGN);
    }

    @Test
    void aCreateThatLosesARaceJudgesWhatIsThereNow() {
        seenBeforeAndExpired();
        api.secrets.remove("team-a/pull");
        api.failWith = call -> {
            if (call.equals("create team-a/pull")) {
                api.put(ManagedCopy.desired(source, "team-a", "pull"));
            }
            return null;
        };

        assertThat(replicator.ensure("team-a", "pull", source).result()).isEqualTo(CopyResult.UNCHANGED);
        assertThat(api.snapshot()).containsExactly("get team-a/pull", "create team-a/pull", "get team-a/pull");
    }

    @Test
    void aForbiddenCreateFailsWithTheMissingRbacRule() {
        api.failWith = call -> call.startsWith("create") ? 403 : null;

        CopyOutcome outcome = replicator.ensure("team-a", "pull", source);

        assertThat(outcome.result()).isEqualTo(CopyResult.FAILED);
        assertThat(outcome.warning()).contains("may not create secret team-a/pull (403 Forbidden)", "grant its ServiceAccount 'create' on secrets");
        assertThat(api.snapshot()).as("a look for a copy already there, which would need no create").containsExactly("create team-a/pull", "get team-a/pull");
        assertThat(replicator.known("team-a", "pull", source)).as("a failure is not remembered").isNull();
    }

    @Test
    void aForbiddenCreateStillReferencesACopyOfOursThatIsThere() {
        Secret there = alreadyThere(ManagedCopy.desired(source, "team-a", "pull"));
        api.failWith = call -> call.startsWith("create") ? 403 : null;

        assertThat(replicator.ensure("team-a", "pull", source)).isEqualTo(CopyOutcome.of(CopyResult.UNCHANGED));

        assertThat(api.snapshot()).containsExactly("create team-a/pull", "get team-a/pull");
        assertThat(api.secrets.get("team-a/pull")).isEqualTo(there);
    }

    @Test
    void aForbiddenCreateAfterAReadThatFoundNothingFailsWithoutReadingAgain() {
        seenBeforeAndExpired();
        api.secrets.remove("team-a/pull");
        api.failWith = call -> call.startsWith("create") ? 403 : null;

        CopyOutcome outcome = replicator.ensure("team-a", "pull", source);

        assertThat(outcome.warning()).contains("may not create secret team-a/pull (403 Forbidden)", "grant its ServiceAccount 'create' on secrets");
        assertThat(api.snapshot()).containsExactly("get team-a/pull", "create team-a/pull");
    }

    @Test
    void aServerErrorFailsAndTheNextCallTriesAgain() {
        api.failWith = call -> 500;
        assertThat(replicator.ensure("team-a", "pull", source).warning()).contains("failed (500)", "the next Pod will retry");

        api.failWith = call -> null;
        assertThat(replicator.ensure("team-a", "pull", source).result()).isEqualTo(CopyResult.CREATED);
    }

    @Test
    void concurrentFirstCallsShareOneReconcile() throws Exception {
        api.failWith = call -> {
            sleep(50);
            return null;
        };
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<CopyOutcome>> outcomes = pool.invokeAll(java.util.Collections.nCopies(10, () -> replicator.ensure("team-a", "pull", source)));
            long created = 0;
            for (Future<CopyOutcome> f : outcomes) {
                assertThat(f.get().result().usable()).isTrue();
                created += f.get().result() == CopyResult.CREATED ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(api.calls.stream().filter(c -> c.startsWith("create"))).hasSize(1);
        assertThat(metrics.counter("pullsecret_injector_copies", "result", "created").count()).isEqualTo(1.0);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
