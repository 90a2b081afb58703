package io.pullsecretinjector.secrets.rescue;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.PolicyParser;
import io.pullsecretinjector.policy.SourceRegistries;
import io.pullsecretinjector.rescue.PodState;
import io.pullsecretinjector.rescue.RescueRule;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.events.EventReason;
import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rescue's passes over a fake watch and a fake Eviction API, on a clock the test moves: what
 * it evicts, how fast, what it does with a refusal, and the paths that make no call at all.
 */
class StuckPodEvictorTest {

    static final InjectionPolicy POLICY = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            registryCredentials:
              - existingSecret: regcred
                existingSecretNamespace: registry-creds
                registries: [registry.example.com]
            """).policy();
    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    static final Duration GRACE = Duration.ofMinutes(2);
    static final SourceRegistries NO_LOOKUP = c -> SourceRegistries.Lookup.unavailable("not looked up");

    /** A watch whose Pods the test sets; counts starts and stops. */
    static final class FakeWatch implements PodWatch {
        final List<PodState> pods = new CopyOnWriteArrayList<>();
        boolean running;
        boolean synced = true;
        int starts;
        int stops;

        @Override
        public void start() {
            running = true;
            starts++;
        }

        @Override
        public void stop() {
            running = false;
            stops++;
        }

        @Override
        public boolean running() {
            return running;
        }

        @Override
        public boolean synced() {
            return running && synced;
        }

        @Override
        public Collection<PodState> stuck() {
            return pods;
        }
    }

    /** Records each eviction asked, answering from a script (EVICTED when it runs out). */
    static final class FakeEvictions implements PodEvictions {
        final List<String> asked = new ArrayList<>();
        final List<PodEvictions.Outcome> script = new ArrayList<>();

        @Override
        public Result evict(String namespace, String name, String uid, String resourceVersion) {
            asked.add(namespace + "/" + name + " uid=" + uid + " rv=" + resourceVersion);
            Outcome o = script.isEmpty() ? Outcome.EVICTED : script.remove(0);
            return new Result(o, o == Outcome.REFUSED ? "the API server refused to evict it now (429)" : o == Outcome.FAILED ? "403" : null);
        }
    }

    /** For paths that must not evict: any call fails the test. */
    static final PodEvictions NEVER = (ns, name, uid, rv) -> {
        throw new AssertionError("evicted " + ns + "/" + name + " on a path that must make no call");
    };

    /** A clock the test moves. */
    static final class Moving extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void pass(Duration d) {
            now = now.plus(d);
        }
    }

    final FakeWatch watch = new FakeWatch();
    final FakeEvictions evictions = new FakeEvictions();
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<String> labelReads = new ArrayList<>();
    final Moving clock = new Moving();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    boolean leading = true;
    InjectionPolicy policy = POLICY;
    String sourceProblem;

    StuckPodEvictor evictor(PodEvictions api, int perMinute) {
        NamespaceLabels labels = new NamespaceLabels() {
            @Override
            public Map<String, String> cached(String namespace) {
                return namespace.startsWith("unwatched") ? null : Map.of();
            }

            @Override
            public Map<String, String> read(String namespace) {
                labelReads.add(namespace);
                return Map.of();
            }
        };
        CopyEvents recorded = new CopyEvents() {
            @Override
            public void record(EventReason reason, String namespace, String name, String note) {
                throw new AssertionError("a Pod's Event must carry its uid");
            }

            @Override
            public void record(EventReason reason, String namespace, String name, String uid, String note) {
                events.add(reason + " " + namespace + "/" + name + " " + uid + ": " + note);
            }
        };
        return new StuckPodEvictor(watch, api, () -> policy, labels, NO_LOOKUP, c -> sourceProblem, recorded,
                new RescueRule(new PolicyEvaluator("pullsecret-injector"), GRACE), perMinute, () -> leading, clock, registry);
    }

    /** A ReplicaSet's Pod in ImagePullBackOff for registry.example.com, without pull secrets, created at {@code created}. */
    static PodState stuck(String name, String owner, Instant created) {
        return stuck("team-a", name, owner, created);
    }

    static PodState stuck(String namespace, String name, String owner, Instant created) {
        Pod pod = new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withUid("uid-" + name).withResourceVersion("7")
                .withCreationTimestamp(created.toString())
                .addNewOwnerReference().withKind("ReplicaSet").withName(owner).withUid("uid-" + owner).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("app").withImage("registry.example.com/app:1").endContainer()
                .endSpec()
                .withNewStatus().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder().withName("app")
                        .withNewState().withNewWaiting().withReason("ImagePullBackOff").endWaiting().endState().build()).endStatus()
                .build();
        return PodState.of(pod);
    }

    static PodState stuck(String name) {
        return stuck(name, "web", T0.minusSeconds(60));
    }

    double outcome(String tag) {
        return registry.get("pullsecret_injector_rescue_evictions").tag("outcome", tag).counter().count();
    }

    double stuckGauge() {
        return registry.get("pullsecret_injector_rescue_stuck_pods").gauge().value();
    }

    /** Two passes, so the watch has started (the first) and delivered (the second). */
    void started(StuckPodEvictor e) {
        e.pass();
        e.pass();
    }

    static Stream<Arguments> silentPaths() {
        return Stream.of(
                Arguments.of("a replica that does not lead starts no watch and evicts nothing", (Consumer<StuckPodEvictorTest>) t -> t.leading = false),
                Arguments.of("with no valid policy loaded nothing is judged", (Consumer<StuckPodEvictorTest>) t -> t.policy = null),
                Arguments.of("until the watch has delivered its first list nothing is evicted",
                        (Consumer<StuckPodEvictorTest>) t -> t.watch.synced = false),
                Arguments.of("a Pod within its grace period is not evicted", (Consumer<StuckPodEvictorTest>) t -> {
                }),
                Arguments.of("a Pod whose source Secret is missing is held, not evicted",
                        (Consumer<StuckPodEvictorTest>) t -> t.sourceProblem = "source secret registry-creds/regcred does not exist"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("silentPaths")
    void pathsThatEvictNothing(String sentence, Consumer<StuckPodEvictorTest> setUp) {
        setUp.accept(this);
        watch.pods.add(stuck("web-1"));
        StuckPodEvictor e = evictor(NEVER, 60);

        started(e);
        if (sourceProblem != null) {
            clock.pass(GRACE);
            e.pass();
        }

        if (!leading || policy == null) {
            assertThat(watch.starts).isZero();
        }
        assertThat(labelReads).isEmpty();
    }

    @Test
    void aPodStuckPastItsGracePeriodIsEvictedOnceWithAnEventAndAnOutcome() {
        watch.pods.add(stuck("web-1"));
        StuckPodEvictor e = evictor(evictions, 60);
        started(e);
        assertThat(evictions.asked).isEmpty();
        assertThat(stuckGauge()).isEqualTo(1.0);

        clock.pass(GRACE);
        e.pass();

        assertThat(evictions.asked).containsExactly("team-a/web-1 uid=uid-web-1 rv=7");
        assertThat(outcome("evicted")).isEqualTo(1.0);
        assertThat(events).singleElement().asString().startsWith("StuckPodEvicted team-a/web-1 uid-web-1: the Pod lacks pull secret regcred")
                .contains("ReplicaSet/web recreates it");
    }

    @Test
    void evictionsArePacedOldestFirst() {
        watch.pods.add(stuck("web-new"));
        StuckPodEvictor e = evictor(evictions, 6);
        started(e);
        clock.pass(Duration.ofSeconds(30));
        watch.pods.add(stuck("other-old"));
        e.pass();
        watch.pods.add(stuck("last"));
        clock.pass(GRACE);

        e.pass();
        assertThat(evictions.asked).hasSize(1);
        watch.pods.removeIf(p -> evictions.asked.get(0).startsWith(p.ref()));
        clock.pass(Duration.ofSeconds(5));
        e.pass();
        assertThat(evictions.asked).as("6 a minute: one every 10 s").hasSize(1);
        clock.pass(Duration.ofSeconds(6));
        e.pass();

        assertThat(evictions.asked).extracting(a -> a.substring(0, a.indexOf(' '))).containsExactly("team-a/web-new", "team-a/other-old");
    }

    @Test
    void eachPassSaysWhenTheNextIsDue() {
        watch.pods.add(stuck("web-1"));
        StuckPodEvictor e = evictor(evictions, 6);

        assertThat(e.pass()).as("the watch starts").isEqualTo(StuckPodEvictor.STARTING);
        watch.synced = false;
        assertThat(e.pass()).as("until it has listed").isEqualTo(StuckPodEvictor.STARTING);
        watch.synced = true;
        clock.pass(GRACE.minusSeconds(2));
        assertThat(e.pass()).as("a Pod first seen now: every period").isEqualTo(StuckPodEvictor.PERIOD);
        clock.pass(GRACE.minusSeconds(1));
        assertThat(e.pass()).as("its grace period ends in 1 s").isEqualTo(Duration.ofSeconds(1));
        watch.pods.add(stuck("web-2"));
        watch.pods.add(stuck("web-3"));
        clock.pass(Duration.ofSeconds(1));
        e.pass();
        clock.pass(GRACE);
        assertThat(e.pass()).as("a backlog at 6 a minute: the next token in 10 s").isEqualTo(StuckPodEvictor.PERIOD);
        assertThat(evictions.asked).hasSize(2);
    }

    @Test
    void aBacklogIsEvictedAtThePaceSetNotAtThePassPeriod() {
        for (int i = 0; i < 5; i++) {
            watch.pods.add(stuck("web-" + i));
        }
        StuckPodEvictor e = evictor(evictions, 60);
        started(e);
        clock.pass(GRACE);

        Duration waited = Duration.ZERO;
        Duration next = e.pass();
        while (evictions.asked.size() < 5 && waited.toSeconds() < 60) {
            watch.pods.removeIf(p -> evictions.asked.stream().anyMatch(a -> a.startsWith(p.ref() + " ")));
            clock.pass(next);
            waited = waited.plus(next);
            next = e.pass();
        }

        assertThat(evictions.asked).hasSize(5);
        assertThat(waited).as("60 a minute: one a second, not one a pass").isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aRefusedEvictionIsTriedAgainAfterABackOffThatDoublesAndIsNeverForced() {
        evictions.script.addAll(List.of(PodEvictions.Outcome.REFUSED, PodEvictions.Outcome.REFUSED));
        watch.pods.add(stuck("web-1"));
        StuckPodEvictor e = evictor(evictions, 600);
        started(e);
        clock.pass(GRACE);

        e.pass();
        clock.pass(Duration.ofSeconds(9));
        e.pass();
        assertThat(evictions.asked).as("not again within 10 s").hasSize(1);
        clock.pass(Duration.ofSeconds(1));
        e.pass();
        clock.pass(Duration.ofSeconds(19));
        e.pass();
        assertThat(evictions.asked).as("then not within 20 s").hasSize(2);
        clock.pass(Duration.ofSeconds(1));
        e.pass();

        assertThat(evictions.asked).hasSize(3);
        assertThat(outcome("refused")).isEqualTo(2.0);
        assertThat(outcome("evicted")).isEqualTo(1.0);
        assertThat(events).filteredOn(s -> s.startsWith("StuckPodEvictionRefused")).hasSize(2)
                .first().asString().endsWith("refused to evict it now (429); tried again in 10s, never forced");
    }

    @Test
    void aPodThatChangedSinceItWasJudgedIsJudgedAgainAtTheNextPass() {
        evictions.script.add(PodEvictions.Outcome.CHANGED);
        watch.pods.add(stuck("web-1"));
        StuckPodEvictor e = evictor(evictions, 600);
        started(e);
        clock.pass(GRACE);

        e.pass();
        clock.pass(Duration.ofSeconds(5));
        e.pass();

        assertThat(evictions.asked).hasSize(2);
        assertThat(outcome("changed")).isEqualTo(1.0);
    }

    @Test
    void aPodOfAControllerCreatedAfterItsLastEvictionIsHeldAndReportedOnce() {
        watch.pods.add(stuck("web-1"));
        StuckPodEvictor e = evictor(evictions, 600);
        started(e);
        clock.pass(GRACE);
        e.pass();
        watch.pods.clear();
        watch.pods.add(stuck("web-2", "web", clock.now.plusSeconds(1)));
        clock.pass(Duration.ofSeconds(5));
        e.pass();
        clock.pass(GRACE);

        e.pass();
        e.pass();

        assertThat(evictions.asked).hasSize(1);
        assertThat(outcome("held")).isEqualTo(1.0);
        assertThat(events).filteredOn(s -> s.startsWith("StuckPodNotEvicted team-a/web-2 uid-web-2")).singleElement().asString()
                .contains("came back without the credential");
    }

    @Test
    void losingTheLeaseStopsTheWatchAndForgetsHowLongPodsWaited() {
        watch.pods.add(stuck("web-1"));
        StuckPodEvictor e = evictor(evictions, 600);
        started(e);
        clock.pass(GRACE.minusSeconds(10));
        leading = false;
        e.pass();
        assertThat(watch.running).isFalse();
        assertThat(stuckGauge()).isZero();

        leading = true;
        started(e);
        clock.pass(Duration.ofSeconds(20));
        e.pass();

        assertThat(evictions.asked).as("a new leader counts the grace period from when it sees the Pod").isEmpty();
        assertThat(watch.stops).isEqualTo(1);
    }

    @Test
    void aNamespaceTheWatchHasNotDeliveredIsReadOncePerPass() {
        watch.pods.add(stuck("unwatched-1", "web-1", "web", T0));
        watch.pods.add(stuck("unwatched-1", "web-2", "web", T0));
        StuckPodEvictor e = evictor(evictions, 600);
        started(e);

        assertThat(labelReads).containsExactly("unwatched-1");
    }
}
