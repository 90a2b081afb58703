package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What happens to a Pod created through the real API server, with the injector in its admission chain. */
@ExtendWith(Suite.class)
@Order(1)
class PodAdmissionE2eTest {

    private final KubernetesClient admin = Cluster.admin();

    @BeforeEach
    void injectorServes() {
        Suite.ensureServing();
    }

    @Test
    @DisplayName("1. a Pod created with kubectl is stored with the secret, and the copy exists when kubectl returns")
    void podCreatedWithKubectl() {
        String ns = Cluster.newNamespace("team");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));

        Cluster.kubectl(pod("web", "registry.example.com/team/web:1.0"), "-n", ns, "create", "-f", "-").assertOk();
        // read at once: the copy must exist by the time `kubectl create` returned, not some time later
        Secret copy = admin.secrets().inNamespace(ns).withName("regcred").get();
        Pod stored = admin.pods().inNamespace(ns).withName("web").get();

        assertThat(pullSecrets(stored)).containsExactly("regcred");
        assertThat(copy).as("the copy in %s", ns).isNotNull();
        Secret source = admin.secrets().inNamespace(Suite.SOURCES).withName("regcred").get();
        assertThat(copy.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
        assertThat(copy.getData()).isEqualTo(source.getData());
        assertThat(copy.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "pullsecret-injector");
        assertThat(copy.getMetadata().getAnnotations())
                .containsEntry("pullsecret-injector.io/source", "registry-creds/regcred")
                .containsKey("pullsecret-injector.io/source-hash")
                .containsEntry("argocd.argoproj.io/sync-options", "Prune=false");
    }

    @Test
    @DisplayName("2. the ReplicaSet controller's 3 Pods in a namespace made after the install all carry the secret, with one copy")
    void deploymentInANewNamespace() {
        String ns = Cluster.newNamespace("cloudforet");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));

        admin.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("api").endMetadata()
                .withNewSpec().withReplicas(3)
                .withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                .withNewSpec().addNewContainer().withName("api").withImage("registry.example.com/cloudforet/api:2.0").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();

        Eventually.that("3 Pods of the Deployment in " + ns, Duration.ofSeconds(60),
                () -> admin.pods().inNamespace(ns).withLabel("app", "api").list().getItems().size() == 3);
        List<Pod> pods = admin.pods().inNamespace(ns).withLabel("app", "api").list().getItems();
        assertThat(pods).allSatisfy(p -> {
            assertThat(p.getMetadata().getGenerateName()).as("made by the ReplicaSet controller").startsWith("api-");
            assertThat(p.getMetadata().getOwnerReferences()).extracting(o -> o.getKind()).containsExactly("ReplicaSet");
            assertThat(pullSecrets(p)).containsExactly("regcred");
        });
        assertThat(admin.secrets().inNamespace(ns).withLabel("app.kubernetes.io/managed-by", "pullsecret-injector").list().getItems())
                .extracting(s -> s.getMetadata().getName()).containsExactly("regcred");
    }

    @Test
    @DisplayName("3. kubectl create --dry-run=server prints the Pod with the secret and no copy is written")
    void serverSideDryRun() throws Exception {
        String ns = Cluster.newNamespace("dry");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));

        Cluster.Run run = Cluster.kubectl(pod("dry", "registry.example.com/team/web:1.0"),
                "-n", ns, "create", "--dry-run=server", "-o", "yaml", "-f", "-").assertOk();

        JsonNode printed = new YAMLMapper().readTree(run.out());
        assertThat(printed.at("/spec/imagePullSecrets").toString()).isEqualTo("[{\"name\":\"regcred\"}]");
        assertThat(admin.pods().inNamespace(ns).withName("dry").get()).as("a dry run stores no Pod").isNull();
        assertThat(admin.secrets().inNamespace(ns).withName("regcred").get()).as("a dry run writes no copy").isNull();
    }

    @Test
    @DisplayName("4. a credential whose source Secret is missing: kubectl prints the injector's warning, the Pod is created without it")
    void missingSourceWarns() {
        String ns = Cluster.newNamespace("warned");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));

        Cluster.Run run = Cluster.kubectl(pod("both", "missing.example.com/app:1", "registry.example.com/team/web:1.0"),
                "-n", ns, "create", "-f", "-").assertOk();

        assertThat(run.err()).contains("Warning: pullsecret-injector:").contains("registry-creds/absent-cred")
                .contains("does not exist").contains("kubectl create secret docker-registry");
        Pod stored = admin.pods().inNamespace(ns).withName("both").get();
        assertThat(pullSecrets(stored)).containsExactly("regcred");
        assertThat(admin.secrets().inNamespace(ns).withName("absent-cred").get()).isNull();
    }

    @Test
    @DisplayName("9. a mirror Pod (a static Pod as the kubelet shows it) is admitted unchanged, with the chart's matchConditions"
            + " and, without them, by the injector itself")
    void mirrorPodAdmittedUnchanged() {
        String ns = Cluster.newNamespace("static");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));

        createMirrorPodAndCheckItIsUnchanged(ns, "etcd-node-1"); // the API server does not call the webhook
        try {
            Suite.upgrade(Suite.POLICY, "  matchConditions: []\n", ""); // every Pod reaches the injector
            Eventually.that("the webhook registration without matchConditions", Duration.ofSeconds(10), () -> admin.admissionRegistration()
                    .v1().mutatingWebhookConfigurations().withName(Suite.RELEASE).get().getWebhooks().get(0).getMatchConditions() == null || admin.admissionRegistration().v1()
                    .mutatingWebhookConfigurations().withName(Suite.RELEASE).get().getWebhooks().get(0).getMatchConditions().isEmpty());
            // the API server's copy of the registration follows the object within moments: until the
            // injector has seen one, every mirror Pod so far must still be unchanged
            String skipped = "pullsecret_injector_reviews_total{outcome=\"skipped\"}";
            double before = orZero(Suite.serving().metric(skipped));
            int[] tries = {1};
            Eventually.that("the injector reviews a mirror Pod (reviews_total{outcome=skipped}) and leaves it alone", Duration.ofSeconds(15),
                    () -> {
                        createMirrorPodAndCheckItIsUnchanged(ns, "etcd-node-" + (++tries[0]));
                        return orZero(Suite.serving().metric(skipped)) > before;
                    });
        } finally {
            Suite.upgrade(Suite.POLICY);
        }
    }

    private static double orZero(double sample) {
        return Double.isNaN(sample) ? 0 : sample;
    }

    private void createMirrorPodAndCheckItIsUnchanged(String ns, String name) {
        String mirror = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  annotations:
                    kubernetes.io/config.mirror: 6a1f3e0c9b2d4f5e
                    kubernetes.io/config.hash: 6a1f3e0c9b2d4f5e
                    kubernetes.io/config.source: file
                spec:
                  nodeName: node-1
                  containers:
                    - name: etcd
                      image: registry.example.com/control-plane/etcd:3.6.0
                """.formatted(name);

        Cluster.kubectl(mirror, "-n", ns, "create", "-f", "-").assertOk();

        Pod stored = admin.pods().inNamespace(ns).withName(name).get();
        assertThat(stored.getSpec().getImagePullSecrets()).isNullOrEmpty();
        assertThat(stored.getSpec().getContainers().get(0).getImage()).isEqualTo("registry.example.com/control-plane/etcd:3.6.0");
        assertThat(admin.secrets().inNamespace(ns).withName("regcred").get()).isNull();
    }

    @Test
    @DisplayName("11. imageRewrites: the stored Pod pulls from the mirror with the mirror's credential, the original image recorded")
    void imageRewrite() throws Exception {
        String ns = Cluster.newNamespace("airgap");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));

        Cluster.kubectl(pod("nginx", "nginx:1.27"), "-n", ns, "create", "-f", "-").assertOk();

        Pod stored = admin.pods().inNamespace(ns).withName("nginx").get();
        assertThat(stored.getSpec().getContainers().get(0).getImage()).isEqualTo("mirror.example.com/dockerhub/library/nginx:1.27");
        assertThat(pullSecrets(stored)).containsExactly("mirror-pull");
        JsonNode original = new ObjectMapper().readTree(stored.getMetadata().getAnnotations().get("pullsecret-injector.io/original-images"));
        assertThat(original.path("nginx").asText()).isEqualTo("nginx:1.27");
        assertThat(admin.secrets().inNamespace(ns).withName("mirror-pull").get()).isNotNull();
    }

    static List<String> pullSecrets(Pod pod) {
        List<LocalObjectReference> refs = pod.getSpec().getImagePullSecrets();
        return refs == null ? List.of() : refs.stream().map(LocalObjectReference::getName).toList();
    }

    /** A Pod manifest as a user writes it: one container per image (named after the Pod when there is one). */
    static String pod(String name, String... images) {
        StringBuilder containers = new StringBuilder();
        for (int i = 0; i < images.length; i++) {
            String container = images.length == 1 ? name : "c" + (i + 1);
            containers.append("    - name: ").append(container).append("\n      image: ").append(images[i]).append('\n');
        }
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  containers:
                """.formatted(name) + containers;
    }
}
