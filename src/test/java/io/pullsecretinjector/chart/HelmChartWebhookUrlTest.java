package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code webhook.url}: an injector that runs outside the cluster, called by URL. */
class HelmChartWebhookUrlTest {

    /** An injector outside the cluster, as `make e2e` runs it. */
    private static final Map<String, Object> URL = Map.of(
            "webhook.url", "https://127.0.0.1:18443/mutate",
            // base64 of a PEM CA certificate (placeholder content: the chart does not parse it)
            "tls.caBundle", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJ0ZXN0Ci0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K",
            "policy.registryCredentials[0].existingSecret", "regcred",
            "policy.registryCredentials[0].existingSecretNamespace", "registry-creds");

    @Test
    void the_api_server_calls_the_url_and_trusts_the_given_ca() {
        var m = ChartRender.template(null, URL);
        var clientConfig = m.one(MutatingWebhookConfiguration.class).getWebhooks().get(0).getClientConfig();

        assertThat(clientConfig.getUrl()).isEqualTo("https://127.0.0.1:18443/mutate");
        assertThat(clientConfig.getService()).isNull();
        assertThat(clientConfig.getCaBundle()).startsWith("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t");
    }

    @Test
    void nothing_that_runs_in_the_cluster_is_rendered_but_the_identity_rbac_and_policy_are() {
        var m = ChartRender.template(null, URL);

        assertThat(m.objects().stream().map(HasMetadata::getKind).distinct())
                .doesNotContain("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "Secret", "Certificate", "Issuer")
                .contains("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "ConfigMap",
                        "MutatingWebhookConfiguration");
        assertThat(m.one(ServiceAccount.class).getMetadata().getName()).isEqualTo("pullsecret-injector");
        assertThat(m.all(ConfigMap.class)).extracting(c -> c.getMetadata().getName()).contains("pullsecret-injector-policy");
        assertThat(m.one(ClusterRole.class).getRules()).isNotEmpty();
        assertThat(m.all(Role.class)).isNotEmpty();
    }

    @Test
    void the_notes_say_how_to_run_the_injector_outside_the_cluster() {
        String notes = ChartRender.notes(URL);

        assertThat(notes).contains("https://127.0.0.1:18443/mutate")
                .contains("INJECTOR_POLICY_CONFIGMAP=pullsecret-injector/pullsecret-injector-policy")
                .contains("INJECTOR_LEADER_LEASE=pullsecret-injector-leader")
                .contains("kubectl -n pullsecret-injector create token pullsecret-injector");
    }

    @Test
    void a_url_without_a_caBundle_or_not_https_fails_with_a_message_that_says_what_to_set() {
        assertThatThrownBy(() -> ChartRender.template(null, Map.of("webhook.url", "https://injector.example:8443/mutate")))
                .hasMessageContaining("tls.caBundle is required when webhook.url is set");
        assertThatThrownBy(() -> ChartRender.template(null, Map.of("webhook.url", "http://injector.example/mutate", "tls.caBundle", "Zm9v")))
                .hasMessageContaining("https://");
    }
}
