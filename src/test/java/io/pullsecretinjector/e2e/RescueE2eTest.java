package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rescue of Pods admitted without their credential while the injector was down. This control
 * plane has no kubelet, so the admin plays its part: binds the Pods to a Node object no kubelet
 * runs and writes their status as a kubelet that cannot pull would. Everything else is the real
 * API server: the webhook skipped by failurePolicy Ignore, the ReplicaSet controller, the Eviction
 * API and its PodDisruptionBudget check, RBAC, Events.
 */
@ExtendWith(Suite.class)
@Order(8)
class RescueE2eTest {

    private static final String IMAGE = "registry.example.com/team/app:1";
    private static final String NODE = "rescue-e2e-node";
    /** No scheduler serves this name, so nothing but the scenario binds its Pods (a cluster with a scheduler and a kubelet keeps away). */
    private static final String NO_SCHEDULER = "pullsecret-injector-e2e-none";
    private static final String USER = "system:serviceaccount:" + Suite.NAMESPACE + ":" + Suite.SERVICE_ACCOUNT;
    private static final Map<String, String> RESCUE = Map.of(
            "INJECTOR_RESCUE_ENABLED", "true",
            "INJECTOR_RESCUE_GRACE_PERIOD", "3s",
            "INJECTOR_RESCUE_EVICTIONS_PER_MINUTE", "120",
            "INJECTOR_RESCUE_RUNNING_PODS", "true");

    private final KubernetesClient admin = Cluster.admin();

    @Test
    @DisplayName("17. the rescue: Pods created while the injector was down are evicted once stuck pulling and come back with the"
            + " credential; a bare Pod is left alone; a PodDisruptionBudget holds a Running Pod's eviction back until it allows it")
    void stuckPodsAreEvictedAndComeBackWithTheCredential() {
        String ns = Cluster.newNamespace("rescue");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));
        try {
            Suite.upgrade(Suite.POLICY, "", "rescue:\n  enabled: true\n");
            assertThat(allowed("list", "pods", "")).as("list pods, with the rescue on").isTrue();
            assertThat(allowed("watch", "pods", "")).as("watch pods").isTrue();
            assertThat(allowed("create", "pods", "eviction")).as("create pods/eviction").isTrue();
            assertThat(allowed("get", "pods", "")).as("get pods").isFalse();
            assertThat(allowed("delete", "pods", "")).as("delete pods").isFalse();
            admin.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata()
                    .withNewSpec().withUnschedulable(true).endSpec().build()).create();

            Suite.ensureServing().close(); // every replica down: the webhook is skipped (failurePolicy Ignore)
            admin.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder().withNewMetadata()
                    .withName("guard").endMetadata().withNewSpec().withNewMinAvailable(1).withNewSelector().addToMatchLabels("guard", "yes")
                    .endSelector().endSpec().build()).create();
            replicaSet(ns, "stuck", 2);
            replicaSet(ns, "guarded", 1);
            admin.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("bare").addToLabels("guard", "yes").endMetadata()
                    .withNewSpec().withSchedulerName(NO_SCHEDULER).addNewContainer().withName("app").withImage(IMAGE).endContainer()
                    .addNewToleration().withOperator("Exists").endToleration().endSpec().build()).create();
            Eventually.that("the ReplicaSet controller made 3 Pods in " + ns, Duration.ofSeconds(60), () -> pods(ns).size() == 4);
            Map<String, Pod> before = pods(ns).stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));
            assertThat(before.values()).as("admitted while the injector was down").allSatisfy(p -> assertThat(p.getSpec().getImagePullSecrets())
                    .isNullOrEmpty());
            for (Pod p : before.values()) {
                stuck(ns, p, p.getMetadata().getName().startsWith("guarded"));
            }
            Set<String> stuckUids = uids(before, "stuck");
            String guardedUid = uids(before, "guarded").iterator().next();
            String bareUid = before.get("bare").getMetadata().getUid();

            InjectorProcess injector = Suite.serveWith(RESCUE);
            Instant started = Instant.now();
            Duration took = Eventually.that("both stuck Pods of ReplicaSet stuck evicted, and replaced by Pods with the credential",
                    Duration.ofSeconds(90), () -> {
                        List<Pod> now = pods(ns, "stuck");
                        return now.size() == 2 && now.stream().noneMatch(p -> stuckUids.contains(p.getMetadata().getUid()))
                                && now.stream().allMatch(p -> pullSecrets(p).contains("regcred"));
                    });
            System.out.printf("    the 2 stuck Pods were evicted and came back with regcred %d ms after the injector started%n", took.toMillis());
            Eventually.that("an Event StuckPodEvicted regarding each evicted Pod", Duration.ofSeconds(30),
                    () -> events(ns, "StuckPodEvicted").stream().map(e -> e.getRegarding().getUid()).collect(Collectors.toSet()).containsAll(stuckUids));
            assertThat(events(ns, "StuckPodEvicted")).first().satisfies(e -> {
                assertThat(e.getRegarding().getKind()).isEqualTo("Pod");
                assertThat(e.getNote()).contains("lacks pull secret regcred", "ReplicaSet/stuck recreates it");
            });
            assertThat(injector.logLines()).anySatisfy(l -> assertThat(l).contains("namespace=" + ns + " pod=stuck-")
                    .contains("owner=ReplicaSet/stuck action=evict result=evicted reason=the Pod lacks pull secret regcred"));
            assertThat(String.join("\n", injector.logLines())).doesNotContain("first-password", "ZTJlOmZpcnN0LXBhc3N3b3Jk");

            // the Running Pod under a budget that allows no disruption: refused with 429, retried, never forced
            Eventually.that("the guarded Pod's eviction refused by its PodDisruptionBudget", Duration.ofSeconds(60),
                    () -> injector.metric("pullsecret_injector_rescue_evictions_total{outcome=\"refused\"}") >= 1);
            assertThat(pods(ns, "guarded")).extracting(p -> p.getMetadata().getUid()).containsExactly(guardedUid);
            Eventually.that("an Event StuckPodEvictionRefused regarding the guarded Pod", Duration.ofSeconds(30),
                    () -> events(ns, "StuckPodEvictionRefused").stream().anyMatch(e -> guardedUid.equals(e.getRegarding().getUid())));
            assertThat(pods(ns).stream().filter(p -> p.getMetadata().getUid().equals(bareUid))).as("the bare Pod, with no controller").hasSize(1);

            admin.policy().v1().podDisruptionBudget().inNamespace(ns).withName("guard")
                    .edit(pdb -> new PodDisruptionBudgetBuilder(pdb).editSpec().withUnhealthyPodEvictionPolicy("AlwaysAllow").endSpec().build());
            Duration held = Eventually.that("the guarded Pod evicted once its budget allows it, and replaced with the credential",
                    Duration.ofSeconds(120), () -> {
                        List<Pod> now = pods(ns, "guarded");
                        return now.size() == 1 && !now.get(0).getMetadata().getUid().equals(guardedUid) && pullSecrets(now.get(0)).contains("regcred");
                    });
            System.out.printf("    the guarded Pod went %d ms after its budget allowed it (%d ms after the injector started)%n", held.toMillis(),
                    Duration.between(started, Instant.now()).toMillis());

            assertThat(pods(ns).stream().filter(p -> p.getMetadata().getUid().equals(bareUid))).as("the bare Pod is never evicted").hasSize(1);
            assertThat(events(ns, "StuckPodEvicted")).extracting(e -> e.getRegarding().getUid()).doesNotContain(bareUid);
            assertThat(injector.metric("pullsecret_injector_rescue_evictions_total{outcome=\"evicted\"}")).isEqualTo(3.0);
        } finally {
            Suite.serveWith(Map.of());
            Suite.upgrade(Suite.POLICY);
            admin.nodes().withName(NODE).delete();
            admin.namespaces().withName(ns).delete();
        }
        assertThat(allowed("list", "pods", "")).as("list pods, once the rescue is off again").isFalse();
        assertThat(allowed("create", "pods", "eviction")).as("create pods/eviction, once the rescue is off again").isFalse();
    }

    private void replicaSet(String ns, String name, int replicas) {
        admin.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).addToLabels("guard", "yes").endMetadata()
                .withNewSpec().withSchedulerName(NO_SCHEDULER).addNewContainer().withName("app").withImage(IMAGE).endContainer()
                // the Node has no kubelet: its taints must not evict these Pods while the scenario runs
                .addNewToleration().withOperator("Exists").endToleration().endSpec()
                .endTemplate().endSpec().build()).create();
    }

    /**
     * What a kubelet on {@link #NODE} would report for a Pod it cannot pull for: bound to the node,
     * its container waiting in ImagePullBackOff; {@code restarted}: the container ran, exited, and
     * cannot pull its image for the restart (phase Running, not ready).
     */
    private void stuck(String ns, Pod pod, boolean restarted) {
        String name = pod.getMetadata().getName();
        admin.bindings().inNamespace(ns).resource(new io.fabric8.kubernetes.api.model.BindingBuilder().withNewMetadata().withName(name)
                .endMetadata().withNewTarget().withApiVersion("v1").withKind("Node").withName(NODE).endTarget().build()).create();
        ContainerStatusBuilder status = new ContainerStatusBuilder().withName("app").withImage(IMAGE).withImageID("").withReady(false)
                .withRestartCount(restarted ? 1 : 0)
                .withNewState().withNewWaiting().withReason("ImagePullBackOff").withMessage("Back-off pulling image \"" + IMAGE + "\"")
                .endWaiting().endState();
        if (restarted) {
            status.withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").withStartedAt(Instant.now().minusSeconds(60).toString())
                    .withFinishedAt(Instant.now().minusSeconds(30).toString()).endTerminated().endLastState();
        }
        ContainerStatus container = status.build();
        String now = Instant.now().toString();
        admin.pods().inNamespace(ns).withName(name).editStatus(p -> new PodBuilder(p).editOrNewStatus().withPhase(restarted ? "Running" : "Pending")
                .withContainerStatuses(container)
                .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True").withLastTransitionTime(now).build(),
                        new PodConditionBuilder().withType("Ready").withStatus("False").withReason("ContainersNotReady")
                                .withLastTransitionTime(now).build())
                .withStartTime(now).endStatus().build());
    }

    private List<Pod> pods(String ns) {
        return admin.pods().inNamespace(ns).list().getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    }

    private List<Pod> pods(String ns, String replicaSet) {
        return pods(ns).stream().filter(p -> replicaSet.equals(p.getMetadata().getLabels().get("app"))).toList();
    }

    private static Set<String> uids(Map<String, Pod> pods, String replicaSet) {
        return pods.values().stream().filter(p -> replicaSet.equals(p.getMetadata().getLabels().get("app")))
                .map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    }

    private static List<String> pullSecrets(Pod p) {
        List<LocalObjectReference> refs = p.getSpec().getImagePullSecrets();
        return refs == null ? List.of() : refs.stream().map(LocalObjectReference::getName).toList();
    }

    private List<Event> events(String ns, String reason) {
        return admin.events().v1().events().inNamespace(ns).list().getItems().stream().filter(e -> reason.equals(e.getReason())).toList();
    }

    private boolean allowed(String verb, String resource, String subresource) {
        ResourceAttributes attributes = new ResourceAttributes();
        attributes.setVerb(verb);
        attributes.setGroup("");
        attributes.setResource(resource);
        attributes.setSubresource(subresource);
        attributes.setNamespace("team-anything");
        return admin.authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
                .withNewSpec().withUser(USER)
                .withGroups("system:serviceaccounts", "system:serviceaccounts:" + Suite.NAMESPACE, "system:authenticated")
                .withResourceAttributes(attributes).endSpec().build()).getStatus().getAllowed();
    }
}
