package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sync loop under the chart's RBAC: rotation, delete and recreate, policy reload and prune. */
@ExtendWith(Suite.class)
@Order(2)
class CopySyncE2eTest {

    private final KubernetesClient admin = Cluster.admin();

    @BeforeEach
    void injectorServes() {
        Suite.ensureServing();
    }

    @Test
    @DisplayName("16. a copy stuck in deletion (a finalizer): each Pod is admitted without it, and one CopyFailed Event regarding"
            + " the copy counts every failed Pod (its series patched under the chart's RBAC)")
    void repeatedFailuresAreOneEventWithACount() {
        List<String> namespaces = List.of(Cluster.newNamespace("made"), Cluster.newNamespace("stuck"));
        Cluster.awaitDefaultServiceAccounts(namespaces);
        Cluster.createPod(namespaces.get(0), "app", "registry.example.com/team/app:1");
        // the injector's copy as it made it, held by a finalizer in a namespace where the injector has seen no copy yet
        String ns = namespaces.get(1);
        Secret made = admin.secrets().inNamespace(namespaces.get(0)).withName("regcred").get();
        admin.secrets().resource(new SecretBuilder().withNewMetadata().withNamespace(ns).withName("regcred")
                .withLabels(made.getMetadata().getLabels()).withAnnotations(made.getMetadata().getAnnotations())
                .withFinalizers("example.com/hold").endMetadata().withType(made.getType()).withData(made.getData()).build()).create();
        admin.secrets().inNamespace(ns).withName("regcred").delete();
        try {
            assertThat(PodAdmissionE2eTest.pullSecrets(Cluster.createPod(ns, "stuck-0", "registry.example.com/team/app:1")))
                    .as("a copy being deleted is not referenced").doesNotContain("regcred");
            Eventually.that("a CopyFailed Event regarding " + ns + "/regcred", Duration.ofSeconds(10), () -> copyFailed(ns).size() == 1);
            for (int i = 1; i < 3; i++) {
                assertThat(PodAdmissionE2eTest.pullSecrets(Cluster.createPod(ns, "stuck-" + i, "registry.example.com/team/app:1")))
                        .doesNotContain("regcred");
            }
            Eventually.that("that one Event counts the 3 Pods (series.count 3)", Duration.ofSeconds(15), () -> {
                List<Event> failed = copyFailed(ns);
                return failed.size() == 1 && failed.get(0).getSeries() != null && failed.get(0).getSeries().getCount() == 3;
            });
        } finally {
            admin.secrets().inNamespace(ns).withName("regcred").edit(s -> {
                s.getMetadata().setFinalizers(List.of());
                return s;
            });
        }
    }

    private List<Event> copyFailed(String namespace) {
        return admin.events().v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> "CopyFailed".equals(e.getReason()) && "regcred".equals(e.getRegarding().getName())).toList();
    }

    @Test
    @DisplayName("5. rotation: updating the source reaches every copy within 10 s, and so does deleting and recreating it")
    void rotation() {
        List<String> namespaces = List.of(Cluster.newNamespace("rotate"), Cluster.newNamespace("rotate"));
        Cluster.awaitDefaultServiceAccounts(namespaces);
        for (String ns : namespaces) {
            Cluster.createPod(ns, "app", "registry.example.com/team/app:1");
        }
        assertThat(copies("regcred")).extracting(s -> s.getMetadata().getNamespace()).containsAll(namespaces);

        Map<String, String> rotated = Cluster.rotate("regcred", "registry.example.com");
        Duration took = Eventually.that("every copy of regcred holds the rotated content", Duration.ofSeconds(10),
                () -> copies("regcred").stream().allMatch(c -> c.getData().equals(rotated)));
        System.out.printf("    rotation reached %d copies in %d ms%n", copies("regcred").size(), took.toMillis());

        admin.secrets().inNamespace(Suite.SOURCES).withName("regcred").delete();
        Eventually.that("the source is gone", Duration.ofSeconds(10),
                () -> admin.secrets().inNamespace(Suite.SOURCES).withName("regcred").get() == null);
        assertThat(copies("regcred")).as("copies stay while the source is missing, so Pods keep pulling")
                .extracting(s -> s.getMetadata().getNamespace()).containsAll(namespaces);
        Secret recreated = Cluster.dockerConfig(Suite.SOURCES, "regcred", "registry.example.com", "recreated-" + System.nanoTime());
        admin.secrets().resource(recreated).create();
        Eventually.that("every copy of regcred holds the recreated source's content", Duration.ofSeconds(10),
                () -> copies("regcred").stream().allMatch(c -> c.getData().equals(recreated.getData())));
    }

    @Test
    @DisplayName("15. rotation with copies changed behind the injector's back: a copy replaced by someone else's Secret is never"
            + " written, a copy deleted by hand comes back with the new content, the others are updated")
    void rotationAfterCopiesChangedByHand() {
        List<String> namespaces = List.of(Cluster.newNamespace("replaced"), Cluster.newNamespace("deleted"), Cluster.newNamespace("kept"));
        Cluster.awaitDefaultServiceAccounts(namespaces);
        for (String ns : namespaces) {
            Cluster.createPod(ns, "app", "registry.example.com/team/app:1");
        }
        assertThat(copies("regcred")).extracting(s -> s.getMetadata().getNamespace()).containsAll(namespaces);
        // The sync loop remembers each copy it knows of, so a rotation writes it at the version it last saw
        // without reading it first: the API server must refuse that write where the copy was replaced or is gone.
        String replaced = namespaces.get(0);
        String deleted = namespaces.get(1);
        admin.secrets().inNamespace(replaced).withName("regcred").delete();
        admin.secrets().inNamespace(deleted).withName("regcred").delete();
        Eventually.that("both copies are gone", Duration.ofSeconds(10), () -> admin.secrets().inNamespace(replaced).withName("regcred").get() == null
                && admin.secrets().inNamespace(deleted).withName("regcred").get() == null);
        Secret foreign = admin.secrets().resource(Cluster.dockerConfig(replaced, "regcred", "registry.example.com", "the-team-s-own")).create();

        Map<String, String> rotated = Cluster.rotate("regcred", "registry.example.com");
        Eventually.that("the kept copy and the deleted one hold the rotated content", Duration.ofSeconds(10),
                () -> copyData(namespaces.get(2)).equals(rotated) && rotated.equals(copyData(deleted)));
        Secret after = admin.secrets().inNamespace(replaced).withName("regcred").get();
        assertThat(after.getData()).as("someone else's Secret of the copy's name keeps its content").isEqualTo(foreign.getData());
        assertThat(after.getMetadata().getResourceVersion()).as("and is not written at all").isEqualTo(foreign.getMetadata().getResourceVersion());
        assertThat(after.getMetadata().getLabels()).as("and is not marked as the injector's").isNullOrEmpty();
    }

    @Test
    @DisplayName("6. helm upgrade of the policy: a new credential is used at once, an invalid policy keeps the last good one,"
            + " a removed prune: true credential's copies are deleted (rbac.retiredSecretNames)")
    void policyChangedWithHelmUpgrade() throws Exception {
        admin.secrets().resource(Cluster.dockerConfig(Suite.SOURCES, "extra-cred", "extra.example.com", "extra-password")).createOr(r -> r.update());
        String ns = Cluster.newNamespace("reload");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));
        String withExtra = Suite.policy("""
                - existingSecret: extra-cred
                  existingSecretNamespace: registry-creds
                  registries: [extra.example.com]
                  prune: true
                """);
        try {
            Suite.upgrade(withExtra);
            Eventually.that("the reloaded policy injects extra-cred (seen through a server-side dry run)", Duration.ofSeconds(30),
                    () -> Cluster.kubectl(PodAdmissionE2eTest.pod("probe", "extra.example.com/app:1"), "-n", ns, "create",
                            "--dry-run=server", "-o", "jsonpath={.spec.imagePullSecrets[*].name}", "-f", "-").out().contains("extra-cred"));
            // the API server's copy of the chart's ValidatingAdmissionPolicy, updated by the same
            // upgrade, may refuse the new copy name for a moment: that Pod gets a warning, a later one the copy
            int[] tries = {0};
            Eventually.that("a Pod gets extra-cred and its copy", Duration.ofSeconds(15),
                    () -> PodAdmissionE2eTest.pullSecrets(Cluster.createPod(ns, "extra-" + tries[0]++, "extra.example.com/app:1")).contains("extra-cred"));
            assertThat(admin.secrets().inNamespace(ns).withName("extra-cred").get()).isNotNull();
            // Helm applies the policy ConfigMap before the Role that grants the new source, so the
            // injector's first watch of it can be refused: it must watch again and see rotations.
            Map<String, String> rotated = Cluster.rotate("extra-cred", "extra.example.com");
            Eventually.that("the new credential's rotation reaches its copy", Duration.ofSeconds(30),
                    () -> rotated.equals(admin.secrets().inNamespace(ns).withName("extra-cred").get().getData()));

            // an admin's typo in one field of the same policy: the chart renders it (and the same RBAC)
            Suite.upgrade(withExtra.replace("to: mirror.example.com/dockerhub", "to: Mirror.Example.com/UPPER"));
            InjectorProcess injector = Suite.serving();
            Eventually.that("the injector refuses the invalid policy (pullsecret_injector_policy_valid 0)", Duration.ofSeconds(30),
                    () -> injector.metric("pullsecret_injector_policy_valid") == 0.0);
            String ns2 = Cluster.newNamespace("last-good");
            Cluster.awaitDefaultServiceAccounts(List.of(ns2));
            Pod underLastGood = Cluster.createPod(ns2, "kept", "extra.example.com/app:1");
            assertThat(PodAdmissionE2eTest.pullSecrets(underLastGood)).as("the last good policy, with extra-cred, stays in force")
                    .containsExactly("extra-cred");
            assertThat(injector.logLines()).anyMatch(l -> l.contains("imageRewrites[0].to"));

            // the documented removal of a prune: true credential, step one: out of the policy, its
            // copy name kept in rbac.retiredSecretNames so the injector may still delete the copies
            Suite.upgrade(Suite.POLICY, "", """
                    rbac:
                      retiredSecretNames: [extra-cred]
                    """);
            Eventually.that("the copies of the removed prune: true credential are deleted", Duration.ofSeconds(30),
                    () -> copies("extra-cred").isEmpty());
            assertThat(injector.metric("pullsecret_injector_policy_valid")).isEqualTo(1.0);
            assertThat(admin.secrets().inNamespace(Suite.SOURCES).withName("extra-cred").get()).as("the source is never pruned").isNotNull();
        } finally {
            Suite.upgrade(Suite.POLICY); // step two; and the scenarios after this one start from the suite's policy
        }
    }

    private Map<String, String> copyData(String namespace) {
        Secret copy = admin.secrets().inNamespace(namespace).withName("regcred").get();
        return copy == null ? Map.of() : copy.getData();
    }

    /** Every Secret in the cluster that the injector manages under this name. */
    private List<Secret> copies(String name) {
        return admin.secrets().inAnyNamespace().withLabel("app.kubernetes.io/managed-by", "pullsecret-injector")
                .withFields(Map.of("metadata.name", name)).list().getItems();
    }
}
