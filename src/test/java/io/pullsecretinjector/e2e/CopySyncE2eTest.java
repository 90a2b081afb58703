package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
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

    /** Every Secret in the cluster that the injector manages under this name. */
    private List<Secret> copies(String name) {
        return admin.secrets().inAnyNamespace().withLabel("app.kubernetes.io/managed-by", "pullsecret-injector")
                .withFields(Map.of("metadata.name", name)).list().getItems();
    }
}
