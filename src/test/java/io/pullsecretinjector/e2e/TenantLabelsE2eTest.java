package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tenants by namespace label through a real API server: credentials follow the labels, and admins see Events. */
@ExtendWith(Suite.class)
@Order(7)
class TenantLabelsE2eTest {

    private final KubernetesClient admin = Cluster.admin();

    @BeforeEach
    void injectorServes() {
        Suite.ensureServing();
    }

    @Test
    @DisplayName("14. tenants by namespace label: a Pod gets only its tenant's credential; relabelling the namespace deletes the"
            + " prune: true copy and creates the eager: true one within 10 s; Events CopyCreated regarding the copy and"
            + " SourceMissing regarding the source")
    void credentialsFollowNamespaceLabels() {
        admin.secrets().resource(Cluster.dockerConfig(Suite.SOURCES, "acme-pull", "acme.example.com", "acme-password")).createOr(r -> r.update());
        admin.secrets().resource(Cluster.dockerConfig(Suite.SOURCES, "globex-pull", "globex.example.com", "globex-password"))
                .createOr(r -> r.update());
        String ns = Cluster.newNamespace("tenant");
        label(ns, "acme");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));
        try {
            Suite.upgrade(Suite.policy("""
                    - existingSecret: acme-pull
                      existingSecretNamespace: registry-creds
                      registries: [acme.example.com]
                      namespaceSelector:
                        matchLabels: {tenant: acme}
                      prune: true
                    - existingSecret: globex-pull
                      existingSecretNamespace: registry-creds
                      registries: [globex.example.com]
                      namespaceSelector:
                        matchLabels: {tenant: globex}
                      eager: true
                    """));
            // as after any upgrade that adds copy names, the chart's ValidatingAdmissionPolicy may refuse them for a moment
            int[] tries = {0};
            Eventually.that("a Pod in the acme namespace gets acme-pull", Duration.ofSeconds(30),
                    () -> PodAdmissionE2eTest.pullSecrets(Cluster.createPod(ns, "acme-" + tries[0]++, "acme.example.com/app:1"))
                            .contains("acme-pull"));
            assertThat(PodAdmissionE2eTest.pullSecrets(Cluster.createPod(ns, "not-mine", "globex.example.com/app:1")))
                    .as("another tenant's credential").isEmpty();
            assertThat(admin.secrets().inNamespace(ns).withName("globex-pull").get()).as("no eager copy for another tenant").isNull();
            // Events are written at INJECTOR_EVENT_QPS (5 a second), Warnings first: the 200 new namespaces of the latency
            // scenario left about 200 CopyCreated Events waiting, and this Normal one may come after them
            Duration eventTook = Eventually.that("an Event CopyCreated regarding the copy " + ns + "/acme-pull", Duration.ofSeconds(90),
                    () -> events(ns).stream().anyMatch(e -> "CopyCreated".equals(e.getReason()) && "acme-pull".equals(e.getRegarding().getName())
                            && "Secret".equals(e.getRegarding().getKind())
                            && "pullsecret-injector.io/injector".equals(e.getReportingController())));
            System.out.printf("    the CopyCreated Event was there %d ms after the Pod%n", eventTook.toMillis());

            // helm applies the policy before the Role that grants its new sources, so the sync loop reads them a few
            // seconds later; a label change before that has no source to copy from (the resync would catch up)
            InjectorProcess injector = Suite.serving();
            Eventually.that("the sync loop has read both new sources", Duration.ofSeconds(30),
                    () -> List.of("acme-pull", "globex-pull").stream().allMatch(name -> injector.logLines().stream()
                            .anyMatch(l -> l.contains("source=" + Suite.SOURCES + "/" + name + " action=source-changed"))));

            label(ns, "globex");
            Duration took = Eventually.that("the acme-pull copy is deleted and the globex-pull copy made", Duration.ofSeconds(10),
                    () -> admin.secrets().inNamespace(ns).withName("acme-pull").get() == null
                            && admin.secrets().inNamespace(ns).withName("globex-pull").get() != null);
            System.out.printf("    the copies followed the label change in %d ms%n", took.toMillis());
            assertThat(PodAdmissionE2eTest.pullSecrets(Cluster.createPod(ns, "now-globex", "globex.example.com/app:1")))
                    .containsExactly("globex-pull");

            admin.secrets().inNamespace(Suite.SOURCES).withName("globex-pull").delete();
            Eventually.that("an Event SourceMissing regarding the source " + Suite.SOURCES + "/globex-pull", Duration.ofSeconds(10),
                    () -> events(Suite.SOURCES).stream().anyMatch(e -> "SourceMissing".equals(e.getReason())
                            && "globex-pull".equals(e.getRegarding().getName()) && "Warning".equals(e.getType())));
            assertThat(events(Suite.SOURCES).stream().map(Event::getNote).toList()).noneMatch(n -> n.contains("globex-password"));
        } finally {
            Suite.upgrade(Suite.POLICY);
        }
    }

    private void label(String namespace, String tenant) {
        admin.namespaces().withName(namespace).edit(n -> new NamespaceBuilder(n).editMetadata().addToLabels("tenant", tenant).endMetadata().build());
    }

    private List<Event> events(String namespace) {
        return admin.events().v1().events().inNamespace(namespace).list().getItems();
    }
}
