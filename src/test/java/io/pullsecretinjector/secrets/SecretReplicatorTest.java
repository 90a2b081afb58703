package io.pullsecretinjector.secrets;

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
import org.junit.jupiter.api.Test;

class SecretReplicatorTest {

    static final String CONFIG = "eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6e319fQ==";
    final FakeSecretApi api = new FakeSecretApi();
    final AtomicLong now = new AtomicLong();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final SecretReplicator replicator = new SecretReplicator(api, Duration.ofSeconds(60), now::get, metrics);
    final SourceSecret source = SourceSecrets.toSource(new SecretBuilder().withNewMetadata().withNamespace("creds").withName("regcred").endMetadata()
            .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", CONFIG).build());

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
    void aNewSourceContentIsNotAnsweredFromMemory() {
        replicator.ensure("team-a", "pull", source);
        SourceSecret rotated = SourceSecrets.toSource(new SecretBuilder().withNewMetadata().withNamespace("creds").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", CONFIG + "Cg==").build());

        assertThat(replicator.known("team-a", "pull", rotated)).isNull();
        assertThat(replicator.ensure("team-a", "pull", rotated).result()).isEqualTo(CopyResult.UPDATED);
        assertThat(api.secrets.get("team-a/pull").getData().get(".dockerconfigjson")).isEqualTo(CONFIG + "Cg==");
    }

    @Test
    void aSecretSomeoneElseOwnsIsNeverWritten() {
        api.put(new SecretBuilder().withNewMetadata().withNamespace("team-a").withName("pull").endMetadata().addToData("x", "eQ==").build());
        api.calls.clear();

        CopyOutcome outcome = replicator.ensure("team-a", "pull", source);

        assertThat(outcome.result()).isEqualTo(CopyResult.FOREIGN);
        assertThat(outcome.warning()).contains("team-a/pull already exists", "set a different targetSecretName");
        assertThat(api.snapshot()).containsExactly("get team-a/pull");
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
        assertThat(replicator.known("team-a", "pull", source)).as("a failure is not remembered").isNull();
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
