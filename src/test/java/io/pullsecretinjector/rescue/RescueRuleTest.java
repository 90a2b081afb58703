package io.pullsecretinjector.rescue;

import static io.pullsecretinjector.rescue.StuckPods.CREATED;
import static io.pullsecretinjector.rescue.StuckPods.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.PolicyParser;
import io.pullsecretinjector.policy.RegistryPattern;
import io.pullsecretinjector.policy.SourceRegistries;
import io.pullsecretinjector.rescue.RescueVerdict.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which stuck Pod is evicted, and why the others are not: one row per case an admin would recognise. */
class RescueRuleTest {

    static final InjectionPolicy POLICY = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            excludeNamespaces: [kube-public]
            includeNamespaces: ["team-*", kube-system]
            registryCredentials:
              - existingSecret: regcred
                existingSecretNamespace: registry-creds
                registries: [registry.example.com]
                excludeNamespaces: [team-sandbox]
              - existingSecret: tenant-b
                existingSecretNamespace: registry-creds
                registries: [b.example.com]
                namespaceSelector: {matchLabels: {tenant: b}}
              - existingSecret: hub
                existingSecretNamespace: registry-creds
              - existingSecret: mirror-pull
                existingSecretNamespace: registry-creds
                registries: [mirror.example.com]
            imageRewrites:
              - from: "*.gcr.io"
                to: mirror.example.com/gcr/{registry}
            """).policy();

    static final Duration GRACE = Duration.ofMinutes(2);
    static final Instant NOW = CREATED.plus(Duration.ofMinutes(5));

    /** The hub credential's registries come from its Secret: Docker Hub. */
    static final SourceRegistries REGISTRIES = c -> c.existingSecret().equals("hub")
            ? SourceRegistries.Lookup.found(List.of(RegistryPattern.parse("https://index.docker.io/v1/")))
            : SourceRegistries.Lookup.unavailable("unexpected lookup of " + c.source());

    static final RescueRule RULE = new RescueRule(new PolicyEvaluator("pullsecret-injector"), GRACE);

    static Circumstances around(String namespace) {
        return new Circumstances(POLICY, NamespaceFacts.of(namespace, Map.of()), REGISTRIES, c -> null, CREATED, null, NOW);
    }

    static UnaryOperator<Circumstances> labels(Map<String, String> labels) {
        return c -> new Circumstances(c.policy(), NamespaceFacts.of(c.namespace().name(), labels), c.registries(), c.sources(),
                c.stuckSince(), c.ownerLastEvicted(), c.now());
    }

    static UnaryOperator<Circumstances> labelsUnknown() {
        return c -> new Circumstances(c.policy(), NamespaceFacts.unknownLabels(c.namespace().name()), c.registries(), c.sources(),
                c.stuckSince(), c.ownerLastEvicted(), c.now());
    }

    static UnaryOperator<Circumstances> stuckFor(Duration d) {
        return c -> new Circumstances(c.policy(), c.namespace(), c.registries(), c.sources(), NOW.minus(d), c.ownerLastEvicted(), c.now());
    }

    static UnaryOperator<Circumstances> ownerEvictedAt(Instant at) {
        return c -> new Circumstances(c.policy(), c.namespace(), c.registries(), c.sources(), c.stuckSince(), at, c.now());
    }

    static UnaryOperator<Circumstances> sourceMissing(String name) {
        return c -> new Circumstances(c.policy(), c.namespace(), c.registries(),
                cred -> cred.existingSecret().equals(name) ? "source secret registry-creds/" + name + " does not exist; create it" : null,
                c.stuckSince(), c.ownerLastEvicted(), c.now());
    }

    static Arguments row(String sentence, StuckPods.Fixture pod, Action action, String reason, List<String> missing) {
        return row(sentence, pod, UnaryOperator.identity(), action, reason, missing);
    }

    static Arguments row(String sentence, StuckPods.Fixture pod, UnaryOperator<Circumstances> around, Action action, String reason,
                         List<String> missing) {
        return arguments(sentence, pod, around, action, reason, missing);
    }

    static Stream<Arguments> cases() {
        String app = "registry.example.com/team/app:1";
        List<String> none = List.of();
        return Stream.of(
                row("a ReplicaSet's Pod without regcred, in ImagePullBackOff past the grace period, is evicted",
                        pod("team-a", app), Action.EVICT, "lacks pull secret regcred (registryCredentials[0]) for image " + app
                                + " and has waited on it (ImagePullBackOff) for 5m; evicted so that ReplicaSet/web-7d9f recreates it",
                        List.of("regcred")),
                row("ErrImagePull is waiting on a pull too", pod("team-a", app).waitingAs("ErrImagePull"), Action.EVICT, "(ErrImagePull)",
                        List.of("regcred")),
                row("an init container that cannot pull its image holds the whole Pod", pod("team-a", "quay.io/team/app:1").init(app),
                        Action.EVICT, "for image " + app, List.of("regcred")),
                row("a StatefulSet's Pod is evicted too: the StatefulSet recreates it under the same name",
                        pod("team-a", app).owner("StatefulSet", "db", true), Action.EVICT, "StatefulSet/db recreates it", List.of("regcred")),
                row("a Running Pod whose restarted container cannot pull its image again is evicted", pod("team-a", app).restartedAndStuck(),
                        Action.EVICT, "lacks pull secret regcred", List.of("regcred")),
                row("within the grace period the Pod waits", pod("team-a", app), stuckFor(Duration.ofSeconds(30)), Action.WAIT,
                        "for 30s, within the grace period of 2m", List.of("regcred")),
                row("a bare Pod is never evicted: nothing would recreate it", pod("team-a", app).bare(), Action.LEAVE,
                        "the Pod has no controller (no ownerReference with controller: true), so nothing would recreate it", none),
                row("an owner that is not the controller does not count", pod("team-a", app).owner("ConfigMap", "settings", false),
                        Action.LEAVE, "has no controller", none),
                row("a Pod that references the credential is stuck for another reason and left alone", pod("team-a", app).pullSecret("regcred"),
                        Action.LEAVE, "the Pod references every pull secret the policy gives for the images it waits on", none),
                row("a Pod stuck on an image the policy gives nothing for is left alone", pod("team-a", "quay.io/team/app:1"), Action.LEAVE,
                        "the policy gives no credential for the images the Pod waits on [quay.io/team/app:1]", none),
                row("only the images it waits on count: a missing credential for a container that runs does not qualify",
                        pod("team-a", "quay.io/team/app:1").sidecar(app, null), Action.LEAVE, "the policy gives no credential", none),
                row("of two waiting images, the one that lacks its credential qualifies", pod("team-a", "quay.io/team/app:1")
                        .sidecar(app, "ErrImagePull"), Action.EVICT, "for image " + app, List.of("regcred")),
                row("an ephemeral container is never a reason to evict", pod("team-a", "quay.io/team/app:1").ephemeral(app), Action.LEAVE,
                        "the policy gives no credential", none),
                row("a Pod in a namespace the policy does not serve is left alone", pod("default", app), Action.LEAVE,
                        "namespace default matches no includeNamespaces entry", none),
                row("a credential that excludes the namespace is not missing", pod("team-sandbox", app), Action.LEAVE,
                        "the policy gives no credential", none),
                row("a credential whose namespaceSelector the namespace does not match is not missing", pod("team-a", "b.example.com/app:1"),
                        Action.LEAVE, "the policy gives no credential", none),
                row("a credential whose namespaceSelector the namespace matches is missing", pod("team-a", "b.example.com/app:1"),
                        labels(Map.of("tenant", "b")), Action.EVICT, "lacks pull secret tenant-b", List.of("tenant-b")),
                row("while the namespace's labels are not known the Pod is left alone", pod("team-a", app), labelsUnknown(), Action.LEAVE,
                        "the labels of namespace team-a are not known yet", none),
                row("a namespace labelled pullsecret-injector.io/inject=false is never given a credential by the webhook", pod("team-a", app),
                        labels(Map.of("pullsecret-injector.io/inject", "false")), Action.LEAVE,
                        "namespace team-a is labelled pullsecret-injector.io/inject=false, which the webhook skips", none),
                row("a Pod labelled pullsecret-injector.io/inject=false is skipped by the webhook, and so is its replacement",
                        pod("team-a", app).label("pullsecret-injector.io/inject", "false"), Action.LEAVE,
                        "the Pod is labelled pullsecret-injector.io/inject=false", none),
                row("a Pod annotated pullsecret-injector.io/inject: \"false\" opted out of injection",
                        pod("team-a", app).annotate("pullsecret-injector.io/inject", "false"), Action.LEAVE, "pullsecret-injector.io/inject", none),
                row("kube-system is never sent to the webhook, whatever the policy says", pod("kube-system", app), Action.LEAVE,
                        "the webhook is never called for Pods in namespace kube-system", none),
                row("a mirror Pod (the kubelet's static Pod, owned by its Node) is left alone",
                        pod("team-a", app).bare().owner("Node", "node-1", true).annotate("kubernetes.io/config.mirror", "abc"), Action.LEAVE,
                        "mirror Pod", none),
                row("a Pod being deleted is left alone", pod("team-a", app).deleting(), Action.LEAVE, "the Pod is being deleted", none),
                row("a Pod whose containers are being created is not stuck", pod("team-a", app).notWaiting("ContainerCreating"), Action.LEAVE,
                        "no container of the Pod waits on an image pull", none),
                row("a Pod that has failed is not recreated by an eviction", pod("team-a", app).phase("Failed"), Action.LEAVE,
                        "the Pod is in phase Failed", none),
                row("an unscheduled Pod is pulling nothing, whatever its status says", pod("team-a", app).unscheduled(), Action.LEAVE,
                        "not scheduled to a node", none),
                row("a Pod whose missing credential's source Secret is gone is held: it would come back stuck", pod("team-a", app),
                        sourceMissing("regcred"), Action.HOLD, "but a new Pod would be admitted without regcred too: source secret "
                                + "registry-creds/regcred does not exist; create it", List.of("regcred")),
                row("a Pod created after the rescue evicted one of its controller's is held: the webhook did not help the first",
                        pod("team-a", app).created(CREATED.plusSeconds(60)), ownerEvictedAt(CREATED.plusSeconds(30)), Action.HOLD,
                        "a Pod of ReplicaSet/web-7d9f was evicted at 2026-12-07T10:00:30Z for the same reason, and this one, created after it,"
                                + " came back without the credential", List.of("regcred")),
                row("the rest of an outage's backlog, created before that eviction, is still evicted", pod("team-a", app),
                        ownerEvictedAt(CREATED.plusSeconds(30)), Action.EVICT, "lacks pull secret regcred", List.of("regcred")),
                row("an image the policy rewrites to a mirror needs the mirror's credential", pod("team-a", "eu.gcr.io/team/app:1"),
                        Action.EVICT, "lacks pull secret mirror-pull (registryCredentials[3]) for image mirror.example.com/gcr/eu.gcr.io/team/app:1",
                        List.of("mirror-pull")),
                row("a credential whose registries come from its Secret's auths is missing like any other", pod("team-a", "nginx:1.27"),
                        Action.EVICT, "lacks pull secret hub (registryCredentials[2]) for image nginx:1.27", List.of("hub")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theRuleDecidesWhichStuckPodIsEvicted(String sentence, StuckPods.Fixture pod, UnaryOperator<Circumstances> around, Action action,
                                              String reason, List<String> missing) {
        PodState state = pod.state();
        RescueVerdict verdict = RULE.judge(state, around.apply(around(state.namespace())));

        assertThat(verdict.action()).as(verdict.reason()).isEqualTo(action);
        assertThat(verdict.reason()).contains(reason);
        assertThat(verdict.missingNames()).containsExactlyElementsOf(missing);
    }

    @Test
    void aWaitingPodIsDueWhenItsGracePeriodEnds() {
        RescueVerdict verdict = RULE.judge(pod("team-a", "registry.example.com/app:1").state(), stuckFor(Duration.ofSeconds(30))
                .apply(around("team-a")));

        assertThat(verdict.due()).isEqualTo(NOW.plus(Duration.ofSeconds(90)));
    }

    @Test
    void durationsReadAsKubernetesPrintsThem() {
        assertThat(Stream.of(0, 45, 60, 200, 3600, 7500).map(s -> RescueRule.format(Duration.ofSeconds(s))))
                .containsExactly("0s", "45s", "1m", "3m20s", "1h", "2h5m");
    }
}
