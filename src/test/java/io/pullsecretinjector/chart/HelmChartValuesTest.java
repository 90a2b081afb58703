package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** values.schema.json turns typos into install errors, and the values do what values.yaml says. */
class HelmChartValuesTest {

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("a misspelt top-level key (replicaCont) is rejected", Map.of("replicaCont", 3), "replicaCont"),
                Arguments.of("a misspelt credential field is rejected",
                        Map.of("policy.registryCredentials[0].existingSecret", "regcred",
                                "policy.registryCredentials[0].existingSecretNamespce", "registry-creds"),
                        "existingSecretNamespce"),
                Arguments.of("a credential without its namespace is rejected",
                        Map.of("policy.registryCredentials[0].existingSecret", "regcred"), "existingSecretNamespace"),
                Arguments.of("an unknown tls.mode is rejected", Map.of("tls.mode", "certmanager"), "/tls/mode"),
                Arguments.of("a misspelt nested key (webhook.failurePolicyy) is rejected", Map.of("webhook.failurePolicyy", "Fail"), "failurePolicyy"),
                Arguments.of("a failurePolicy other than Ignore or Fail is rejected", Map.of("webhook.failurePolicy", "Retry"), "failurePolicy"),
                Arguments.of("a webhook timeout over the API server's 30 s is rejected", Map.of("webhook.timeoutSeconds", 31), "timeoutSeconds"),
                Arguments.of("an upper-case namespace glob is rejected", Map.of("policy.excludeNamespaces[0]", "Kube-*"), "excludeNamespaces"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void the_schema_rejects_bad_values(String name, Map<String, Object> sets, String mentioned) {
        assertThatThrownBy(() -> ChartRender.templateText(null, sets))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(mentioned);
    }

    @Test
    void every_key_of_values_yaml_is_in_the_schema_so_the_defaults_pass_it() throws Exception {
        // helm lint --strict of the defaults (HelmChartScenariosTest) validates them; this guards the reverse:
        // the schema forbids unknown keys at every object level it describes.
        JsonNode schema = new YAMLMapper().readTree(ChartRender.CHART.resolve("values.schema.json").toFile());
        assertThat(schema.path("additionalProperties").asBoolean(true)).isFalse();
        for (String section : List.of("policy", "webhook", "tls", "image", "serviceAccount", "rbac", "podDisruptionBudget",
                "topologySpread", "metrics", "networkPolicy", "validatingAdmissionPolicy", "gracefulShutdown", "rescue")) {
            assertThat(schema.at("/properties/" + section + "/additionalProperties").asBoolean(true)).as(section).isFalse();
        }
        assertThat(schema.at("/definitions/registryCredential/additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void two_credentials_with_one_copy_name_fail_at_install_time() {
        assertThatThrownBy(() -> ChartRender.templateText(null, Map.of(
                "policy.registryCredentials[0].existingSecret", "regcred",
                "policy.registryCredentials[0].existingSecretNamespace", "a",
                "policy.registryCredentials[1].existingSecret", "other",
                "policy.registryCredentials[1].existingSecretNamespace", "b",
                "policy.registryCredentials[1].targetSecretName", "regcred")))
                .hasMessageContaining("policy.registryCredentials[1]: the copy name \"regcred\" is already used by registryCredentials[0]");
    }

    @Test
    void eager_and_prune_are_rendered_into_the_policy_when_set() throws Exception {
        // Rendered as given; the product parser learns these fields in a parallel change, so this
        // reads the document as plain YAML rather than with PolicyParser.
        var m = ChartRender.template("tls-helm-values.yaml", Map.of(
                "policy.registryCredentials[0].eager", true,
                "policy.registryCredentials[0].prune", true));
        JsonNode doc = new YAMLMapper().readTree(m.one(ConfigMap.class).getData().get("policy.yaml"));
        JsonNode cred = doc.at("/registryCredentials/0");
        assertThat(cred.get("eager").isBoolean()).isTrue();
        assertThat(cred.get("eager").booleanValue()).isTrue();
        assertThat(cred.get("prune").booleanValue()).isTrue();
        assertThat(doc.get("apiVersion").asText()).isEqualTo("pullsecret-injector.io/v1alpha1");
        assertThat(doc.get("kind").asText()).isEqualTo("InjectionPolicy");
    }

    @Test
    void without_an_image_repository_rendering_fails_and_says_how_to_build_push_and_set_one(@TempDir Path tmp) {
        // No image is published yet: a default would sit in ImagePullBackOff, hidden by failurePolicy Ignore.
        assertThatThrownBy(() -> ChartRender.bareText(Map.of()))
                .hasMessageContaining("image.repository is required")
                .hasMessageContaining("make image IMAGE=<registry>/pullsecret-injector:<tag>")
                .hasMessageContaining("docker push <registry>/pullsecret-injector:<tag>")
                .hasMessageContaining("--set image.repository=<registry>/pullsecret-injector --set image.tag=<tag>");
        // global.imageRegistry alone does not make an image either.
        assertThatThrownBy(() -> ChartRender.bareText(Map.of("global.imageRegistry", "mirror.corp.example")))
                .hasMessageContaining("image.repository is required");
        // helm lint of the bare chart still passes: in lint mode Helm reports a missing required value as info.
        var lint = ChartRender.lintStrict(null, tmp);
        assertThat(lint.isFailed()).as("%s", lint.getMessages()).isFalse();
    }

    static Stream<Arguments> images() {
        String digest = "sha256:" + "a".repeat(64);
        return Stream.of(
                Arguments.of("the tag defaults to the chart's appVersion", Map.of(), "registry.example.com/pullsecret-injector:0.1.0"),
                Arguments.of("image.tag overrides the appVersion", Map.of("image.tag", "0.2.0"), "registry.example.com/pullsecret-injector:0.2.0"),
                Arguments.of("a digest wins over the tag", Map.of("image.tag", "0.2.0", "image.digest", digest),
                        "registry.example.com/pullsecret-injector@" + digest),
                Arguments.of("image.registry is prepended to the repository",
                        Map.of("image.registry", "mirror.corp.example", "image.repository", "pullsecret-injector/pullsecret-injector"),
                        "mirror.corp.example/pullsecret-injector/pullsecret-injector:0.1.0"),
                Arguments.of("global.imageRegistry wins over image.registry, a trailing slash is dropped",
                        Map.of("global.imageRegistry", "airgap.example:5000/", "image.registry", "mirror.corp.example",
                                "image.repository", "pullsecret-injector/pullsecret-injector"),
                        "airgap.example:5000/pullsecret-injector/pullsecret-injector:0.1.0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void the_image_reference(String name, Map<String, Object> sets, String expected) throws Exception {
        String appVersion = new YAMLMapper().readTree(ChartRender.CHART.resolve("Chart.yaml").toFile()).get("appVersion").asText();
        assertThat(appVersion).isEqualTo("0.1.0");
        assertThat(image(ChartRender.template(null, sets))).isEqualTo(expected);
    }

    @Test
    void chart_yaml_names_the_minimum_kubernetes_and_the_sources() throws Exception {
        JsonNode chart = new YAMLMapper().readTree(ChartRender.CHART.resolve("Chart.yaml").toFile());
        assertThat(chart.path("kubeVersion").asText()).isEqualTo(">=1.23.0-0");
        assertThat(chart.path("sources")).isNotEmpty();
        assertThatThrownBy(() -> ChartRender.templateForKube("1.22.0", null, Map.of()))
                .hasMessageContaining("chart requires kubeVersion: >=1.23.0-0");
    }

    @Test
    void priority_class_and_image_pull_secrets_are_settable() {
        var m = ChartRender.template("ha-values.yaml", Map.of("imagePullSecrets[0].name", "own-registry"));
        var pod = m.one(Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
        assertThat(pod.getImagePullSecrets()).extracting(r -> r.getName()).containsExactly("own-registry");
        assertThat(ChartRender.template(null).one(Deployment.class).getSpec().getTemplate().getSpec().getPriorityClassName()).isNull();
    }

    @Test
    void extra_namespace_selector_expressions_are_added_after_the_ones_that_always_apply() {
        var m = ChartRender.template(null, Map.of(
                "webhook.namespaceSelectorExpressions[0].key", "team",
                "webhook.namespaceSelectorExpressions[0].operator", "Exists"));
        assertThat(m.one(MutatingWebhookConfiguration.class).getWebhooks().get(0).getNamespaceSelector().getMatchExpressions())
                .extracting(e -> e.getKey()).containsExactly("kubernetes.io/metadata.name", "pullsecret-injector.io/inject", "team");
    }

    @Test
    void the_service_monitor_scrapes_q_metrics_on_the_metrics_port() {
        var m = ChartRender.template("servicemonitor-values.yaml");
        GenericKubernetesResource sm = m.generic("ServiceMonitor").get(0);
        assertThat(sm.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(sm.getMetadata().getLabels()).containsEntry("release", "prometheus");
        List<Map<String, Object>> endpoints = sm.get("spec", "endpoints");
        assertThat(endpoints).singleElement().satisfies(e -> assertThat(e)
                .containsEntry("port", "http-metrics").containsEntry("path", "/q/metrics").containsEntry("interval", "15s"));
        assertThat(ChartRender.template(null).generic("ServiceMonitor")).isEmpty();
    }

    @Test
    void the_network_policy_opens_8443_to_all_and_9000_only_to_the_given_peers() {
        NetworkPolicy np = ChartRender.template("servicemonitor-values.yaml").one(NetworkPolicy.class);
        assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(np.getSpec().getIngress()).hasSize(2);
        var webhook = np.getSpec().getIngress().get(0);
        assertThat(webhook.getFrom()).isNullOrEmpty();
        assertThat(webhook.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8443);
        var metrics = np.getSpec().getIngress().get(1);
        assertThat(metrics.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9000);
        assertThat(metrics.getFrom()).singleElement().satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                .containsEntry("kubernetes.io/metadata.name", "monitoring"));
        NetworkPolicy only = ChartRender.template(null, Map.of("networkPolicy.enabled", true)).one(NetworkPolicy.class);
        assertThat(only.getSpec().getIngress()).singleElement()
                .satisfies(r -> assertThat(r.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8443));
    }

    @Test
    void every_value_in_values_yaml_is_documented() throws Exception {
        // cert-manager style: a comment above every key (a key directly under another key's comment block counts).
        List<String> lines = Files.readAllLines(ChartRender.CHART.resolve("values.yaml"));
        List<String> undocumented = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.matches("^\\s*[A-Za-z][A-Za-z0-9]*:.*") && i > 0) {
                String prev = lines.get(i - 1).trim();
                boolean commented = prev.startsWith("#");
                boolean firstInBlock = lines.get(i - 1).matches("^\\s*[A-Za-z][A-Za-z0-9]*:\\s*$")
                        && indent(lines.get(i - 1)) < indent(l);
                boolean sibling = prev.matches("^[A-Za-z][A-Za-z0-9]*:.*") || (!prev.isEmpty() && !prev.startsWith("#") && indent(lines.get(i - 1)) >= indent(l));
                if (!commented && !firstInBlock && !sibling) {
                    undocumented.add((i + 1) + ": " + l);
                }
            }
        }
        assertThat(undocumented).isEmpty();
    }

    private static int indent(String s) {
        return s.length() - s.stripLeading().length();
    }

    private static String image(ChartRender.Manifests m) {
        return m.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
