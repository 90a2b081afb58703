package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 13. The injector's token cannot be turned into another ServiceAccount's token: RBAC cannot limit
 * {@code create} on Secrets by name, so the chart's ValidatingAdmissionPolicy limits the
 * injector's Secret writes to what it makes. Tried with the injector's own token, through the
 * real admission chain.
 */
@ExtendWith(Suite.class)
@Order(6)
@DisplayName("13. the injector's Secret writes are limited to its copies")
class SecretWritesPolicyE2eTest {

    private static KubernetesClient asInjector;

    @BeforeAll
    static void injectorsToken() {
        asInjector = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Cluster.read(Suite.injectorKubeconfig()))).build();
    }

    @AfterAll
    static void close() {
        asInjector.close();
    }

    static Stream<Arguments> denied() {
        return Stream.of(
                arguments("a service-account-token Secret named like a copy in kube-system, for a powerful ServiceAccount",
                        secret("kube-system", "regcred", "kubernetes.io/service-account-token", true,
                                Map.of("kubernetes.io/service-account.name", "clusterrole-aggregation-controller"))),
                arguments("a pull Secret named like a copy but without the managed-by label",
                        secret("default", "regcred", "kubernetes.io/dockerconfigjson", false, Map.of())),
                arguments("a labelled pull Secret of a name that is no copy of the policy",
                        secret("default", "not-a-copy", "kubernetes.io/dockerconfigjson", true, Map.of())),
                arguments("an Opaque Secret named like a copy",
                        secret("default", "regcred", "Opaque", true, Map.of())));
    }

    @ParameterizedTest(name = "denied: {0}")
    @MethodSource("denied")
    void anyOtherSecretWriteIsDenied(String what, Secret attempt) {
        Eventually.that("the ValidatingAdmissionPolicy denies " + what, Duration.ofSeconds(15), () -> {
            try {
                asInjector.secrets().resource(attempt).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 422 || e.getCode() == 403) {
                    assertThat(e.getMessage()).contains("ValidatingAdmissionPolicy");
                    return true;
                }
                throw e;
            }
            Cluster.admin().secrets().resource(attempt).delete(); // allowed: undo it and fail
            return false;
        });
        assertThat(Cluster.admin().secrets().inNamespace(attempt.getMetadata().getNamespace())
                .withName(attempt.getMetadata().getName()).get()).isNull();
    }

    @Test
    @DisplayName("allowed: the copy the injector makes (its label, its name, a pull Secret)")
    void theInjectorsOwnCopyIsAllowed() {
        String ns = Cluster.newNamespace("vap");
        Secret copy = secret(ns, "regcred", "kubernetes.io/dockerconfigjson", true, Map.of());
        asInjector.secrets().resource(copy).create();
        asInjector.secrets().inNamespace(ns).withName("regcred").delete();
    }

    private static Secret secret(String ns, String name, String type, boolean labelled, Map<String, String> annotations) {
        SecretBuilder b = new SecretBuilder().withNewMetadata().withNamespace(ns).withName(name).withAnnotations(annotations)
                .endMetadata().withType(type);
        if (labelled) {
            b.editMetadata().addToLabels("app.kubernetes.io/managed-by", "pullsecret-injector").endMetadata();
        }
        if (type.equals("kubernetes.io/dockerconfigjson")) {
            b.addToData(Cluster.dockerConfig(ns, name, "registry.example.com", "vap").getData());
        }
        return b.build();
    }
}
