package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.pullsecretinjector.policy.PolicyParseResult;
import io.pullsecretinjector.policy.PolicyParser;
import io.pullsecretinjector.policy.RegistryCredential;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart rendered by real Helm for the defaults and every ci/ scenario, with the checks every
 * install must pass: the objects, the webhook registration, the policy, the Deployment's hardening,
 * and `helm lint --strict`.
 */
class HelmChartScenariosTest {

    static Stream<Scenario> scenarios() {
        return Scenario.ALL.stream();
    }

    @Test
    void every_ci_values_file_is_a_scenario_here() {
        List<String> covered = Scenario.ALL.stream().map(Scenario::valuesFile).filter(Objects::nonNull).sorted().toList();
        assertThat(covered).isEqualTo(ChartRender.ciValuesFiles());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void renders_exactly_the_expected_objects(Scenario s) {
        assertThat(s.render().ids()).isEqualTo(s.expectedObjects());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void lints_clean_with_helm_lint_strict(Scenario s, @TempDir Path tmp) {
        LintResult lint = ChartRender.lintStrict(s.valuesFile(), tmp);
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void registers_the_webhook_for_pod_creation_only_with_safe_settings(Scenario s) {
        MutatingWebhookConfiguration mwc = s.render().one(MutatingWebhookConfiguration.class);
        assertThat(mwc.getWebhooks()).hasSize(1);
        MutatingWebhook w = mwc.getWebhooks().get(0);
        assertThat(w.getAdmissionReviewVersions()).containsExactly("v1");
        assertThat(w.getSideEffects()).isEqualTo("NoneOnDryRun");
        assertThat(w.getFailurePolicy()).isEqualTo(s.failurePolicy());
        assertThat(w.getTimeoutSeconds()).isEqualTo(s.timeoutSeconds());
        assertThat(w.getReinvocationPolicy()).isEqualTo("IfNeeded");
        assertThat(w.getMatchPolicy()).isEqualTo("Equivalent");

        assertThat(w.getRules()).hasSize(1);
        RuleWithOperations rule = w.getRules().get(0);
        assertThat(rule.getOperations()).containsExactly("CREATE");
        assertThat(rule.getApiGroups()).containsExactly("");
        assertThat(rule.getApiVersions()).containsExactly("v1");
        assertThat(rule.getResources()).containsExactly("pods");

        var svc = w.getClientConfig().getService();
        assertThat(svc.getName()).isEqualTo(s.render().one(Service.class).getMetadata().getName());
        assertThat(svc.getNamespace()).isEqualTo(Scenario.NS);
        assertThat(svc.getPath()).isEqualTo("/mutate");
        assertThat(svc.getPort()).isEqualTo(443);

        assertThat(w.getNamespaceSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(w.getNamespaceSelector().getMatchExpressions())
                .extracting(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues())
                .containsExactly(
                        "kubernetes.io/metadata.name NotIn [" + Scenario.NS + ", kube-system]",
                        "pullsecret-injector.io/inject NotIn [false]");
        assertThat(w.getObjectSelector().getMatchExpressions())
                .extracting(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues())
                .containsExactly("pullsecret-injector.io/inject NotIn [false]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void the_policy_configmap_parses_with_the_products_own_parser(Scenario s) {
        ConfigMap cm = s.render().one(ConfigMap.class);
        String doc = cm.getData().get("policy.yaml");
        PolicyParseResult parsed = new PolicyParser().parse(doc);
        assertThat(parsed.valid()).as("policy errors:\n%s\nin:\n%s", parsed.describeErrors(), doc).isTrue();
        assertThat(parsed.policy().registryCredentials().stream().map(RegistryCredential::targetSecretName).sorted().toList())
                .isEqualTo(s.targets());
        Map<String, List<String>> sources = parsed.policy().registryCredentials().stream().collect(Collectors.groupingBy(
                RegistryCredential::existingSecretNamespace,
                Collectors.mapping(RegistryCredential::existingSecret, Collectors.toList())));
        assertThat(sources).isEqualTo(s.sources());
        boolean mirrors = "two-credentials-values.yaml".equals(s.valuesFile());
        assertThat(parsed.policy().imageRewrites()).extracting(r -> r.from().text() + " -> " + r.to())
                .isEqualTo(mirrors ? List.of("*.gcr.io -> registry.example.com/gcr/{registry}") : List.of());
        boolean tenants = "tenants-values.yaml".equals(s.valuesFile());
        assertThat(parsed.policy().namespaceSelector()).hasToString(tenants ? "tenant" : "");
        assertThat(parsed.policy().registryCredentials()).extracting(c -> c.namespaceSelector().toString())
                .isEqualTo(tenants ? List.of("tenant=acme,env notin (sandbox)", "tenant=globex", "") : parsed.policy().registryCredentials().stream()
                        .map(c -> "").toList());
        // The injector finds the ConfigMap through INJECTOR_POLICY_CONFIGMAP.
        assertThat(env(container(s), "INJECTOR_POLICY_CONFIGMAP"))
                .isEqualTo(cm.getMetadata().getNamespace() + "/" + cm.getMetadata().getName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void the_deployment_runs_non_root_read_only_with_no_privileges(Scenario s) {
        Deployment d = s.render().one(Deployment.class);
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getContainers()).hasSize(1);
        SecurityContext sc = container(s).getSecurityContext();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container(s).getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container(s).getResources().getLimits()).containsKey("memory");
        // The writable /tmp the read-only root file system needs.
        assertThat(mount(s, "/tmp")).isNotNull();
        assertThat(pod.getVolumes()).anyMatch(v -> v.getName().equals(mount(s, "/tmp").getName()) && v.getEmptyDir() != null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void the_deployment_is_highly_available(Scenario s) {
        Deployment d = s.render().one(Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(s.replicas());
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(t -> {
            assertThat(t.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(t.getLabelSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
        });
        PodDisruptionBudget pdb = s.render().one(PodDisruptionBudget.class);
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(s.minAvailable());
        assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
        // The injector's own Pods are never sent to it.
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("pullsecret-injector.io/inject", "false");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void probes_env_and_certificate_mount_match_what_the_injector_reads(Scenario s) {
        Container c = container(s);
        assertThat(c.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactlyInAnyOrder("https=8443", "http-metrics=9000");
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http-metrics");
        assertThat(c.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTP");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http-metrics");

        EnvVar podNamespace = c.getEnv().stream().filter(e -> e.getName().equals("POD_NAMESPACE")).findFirst().orElseThrow();
        assertThat(podNamespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");

        VolumeMount tls = mount(s, "/etc/pullsecret-injector/tls");
        assertThat(tls.getReadOnly()).isTrue();
        assertThat(env(c, "QUARKUS_TLS_WEBHOOK_KEY_STORE_PEM_0_CERT")).isEqualTo(tls.getMountPath() + "/tls.crt");
        assertThat(env(c, "QUARKUS_TLS_WEBHOOK_KEY_STORE_PEM_0_KEY")).isEqualTo(tls.getMountPath() + "/tls.key");
        assertThat(s.render().one(Deployment.class).getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getName().equals(tls.getName()))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo(s.tlsSecret()));

        // The Lease the injector is told to use is the one RBAC lets it update.
        Role own = s.render().all(Role.class).stream().filter(r -> r.getMetadata().getNamespace().equals(Scenario.NS)
                && r.getMetadata().getName().equals(Scenario.FULLNAME)).findFirst().orElseThrow();
        assertThat(own.getRules()).anyMatch(r -> r.getResources().equals(List.of("leases")) && r.getVerbs().contains("update")
                && r.getResourceNames().equals(List.of(env(c, "INJECTOR_LEADER_LEASE"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void the_service_sends_443_to_8443_and_exposes_metrics(Scenario s) {
        Service svc = s.render().one(Service.class);
        assertThat(svc.getSpec().getPorts()).extracting(ServicePort::getName, ServicePort::getPort, p -> p.getTargetPort().getIntVal())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("https", 443, 8443),
                        org.assertj.core.groups.Tuple.tuple("http-metrics", 9000, 9000));
        Deployment d = s.render().one(Deployment.class);
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(svc.getSpec().getSelector());
    }

    static Container container(Scenario s) {
        return s.render().one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

    static VolumeMount mount(Scenario s, String path) {
        return container(s).getVolumeMounts().stream().filter(m -> m.getMountPath().equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted at " + path));
    }
}
