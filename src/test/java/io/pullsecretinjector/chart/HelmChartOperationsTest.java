package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The operational values: ports, host network, disruption budget, identity, and shutting down without skipping Pods. */
class HelmChartOperationsTest {

    static Stream<Arguments> ports() {
        return Stream.of(
                Arguments.of("the defaults: webhook on 8443, management on 9000", Map.of(), 8443, 9000),
                Arguments.of("webhook.port moves the container port, the Service target, the NetworkPolicy and the server",
                        Map.of("webhook.port", 10260), 10260, 9000),
                Arguments.of("metrics.port moves the management port everywhere", Map.of("metrics.port", 19000), 8443, 19000));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void one_value_per_port(String name, Map<String, Object> sets, int webhook, int management) {
        var with = new java.util.HashMap<String, Object>(sets);
        with.put("networkPolicy.enabled", true);
        with.put("networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.team", "monitoring");
        var m = ChartRender.template(null, with);
        Container c = container(m.one(Deployment.class));
        assertThat(c.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactly("https=" + webhook, "http-metrics=" + management);
        assertThat(env(c, "QUARKUS_HTTP_SSL_PORT")).isEqualTo(String.valueOf(webhook));
        assertThat(env(c, "QUARKUS_MANAGEMENT_PORT")).isEqualTo(String.valueOf(management));
        // The API server still calls the Service on 443 (clientConfig.service.port).
        assertThat(m.one(Service.class).getSpec().getPorts())
                .extracting(ServicePort::getName, ServicePort::getPort, p -> p.getTargetPort().getIntVal())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("https", 443, webhook),
                        org.assertj.core.groups.Tuple.tuple("http-metrics", management, management));
        assertThat(m.one(NetworkPolicy.class).getSpec().getIngress())
                .extracting(r -> r.getPorts().get(0).getPort().getIntVal()).containsExactly(webhook, management);
    }

    @Test
    void host_network_uses_cluster_dns_and_is_off_by_default() {
        PodSpec on = pod(ChartRender.template(null, Map.of("hostNetwork", true)));
        assertThat(on.getHostNetwork()).isTrue();
        assertThat(on.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        PodSpec off = pod(ChartRender.template(null));
        assertThat(off.getHostNetwork()).isNull();
        assertThat(off.getDnsPolicy()).isNull();
    }

    static Stream<Arguments> budgets() {
        return Stream.of(
                Arguments.of("by default one Pod stays, and unready Pods (an invalid policy) never block a drain",
                        ChartRender.KUBE_VERSION, Map.of(), "minAvailable=1 maxUnavailable=null unhealthy=AlwaysAllow"),
                Arguments.of("maxUnavailable instead of minAvailable", ChartRender.KUBE_VERSION,
                        Map.of("podDisruptionBudget.maxUnavailable", "50%"), "minAvailable=null maxUnavailable=50% unhealthy=AlwaysAllow"),
                Arguments.of("minAvailable 0 is kept as 0", ChartRender.KUBE_VERSION,
                        Map.of("podDisruptionBudget.minAvailable", 0), "minAvailable=0 maxUnavailable=null unhealthy=AlwaysAllow"),
                Arguments.of("IfHealthyBudget can be chosen", ChartRender.KUBE_VERSION,
                        Map.of("podDisruptionBudget.unhealthyPodEvictionPolicy", "IfHealthyBudget"),
                        "minAvailable=1 maxUnavailable=null unhealthy=IfHealthyBudget"),
                Arguments.of("before 1.27 the eviction policy is left out: the API server rejects it", "1.26.5", Map.of(),
                        "minAvailable=1 maxUnavailable=null unhealthy=null"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("budgets")
    void the_disruption_budget(String name, String kubeVersion, Map<String, Object> sets, String expected) {
        var spec = ChartRender.templateForKube(kubeVersion, null, sets).one(PodDisruptionBudget.class).getSpec();
        assertThat("minAvailable=" + text(spec.getMinAvailable()) + " maxUnavailable=" + text(spec.getMaxUnavailable())
                + " unhealthy=" + spec.getUnhealthyPodEvictionPolicy()).isEqualTo(expected);
    }

    @Test
    void both_min_available_and_max_unavailable_fail_with_what_to_do() {
        assertThatThrownBy(() -> ChartRender.templateText(null, Map.of("podDisruptionBudget.minAvailable", 1,
                "podDisruptionBudget.maxUnavailable", 1)))
                .hasMessageContaining("podDisruptionBudget: set minAvailable or maxUnavailable, not both");
    }

    @Test
    void no_fixed_uid_or_gid_so_the_images_user_or_the_platforms_applies() {
        Deployment d = ChartRender.template(null).one(Deployment.class);
        var psc = pod(d).getSecurityContext();
        assertThat(psc.getRunAsUser()).isNull();
        assertThat(psc.getRunAsGroup()).isNull();
        assertThat(psc.getFsGroup()).isNull();
        assertThat(psc.getRunAsNonRoot()).isTrue();
        assertThat(container(d).getSecurityContext().getRunAsUser()).isNull();
        // Without an fsGroup the certificate must be readable by whatever UID runs the injector.
        assertThat(pod(d).getVolumes()).filteredOn(v -> v.getName().equals("tls"))
                .singleElement().satisfies(v -> assertThat(v.getSecret().getDefaultMode()).isEqualTo(0444));
    }

    @Test
    void the_token_mount_is_configurable_with_a_projected_token_of_your_own() {
        Deployment d = ChartRender.template(null, Map.of(
                "automountServiceAccountToken", false,
                "extraVolumes[0].name", "token",
                "extraVolumes[0].projected.sources[0].serviceAccountToken.path", "token",
                "extraVolumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", 3600,
                "extraVolumeMounts[0].name", "token",
                "extraVolumeMounts[0].mountPath", "/var/run/secrets/kubernetes.io/serviceaccount")).one(Deployment.class);
        assertThat(pod(d).getAutomountServiceAccountToken()).isFalse();
        assertThat(pod(d).getVolumes()).extracting(v -> v.getName()).containsExactly("tls", "tmp", "token");
        assertThat(container(d).getVolumeMounts()).extracting(v -> v.getMountPath())
                .contains("/var/run/secrets/kubernetes.io/serviceaccount");
        assertThat(pod(ChartRender.template(null).one(Deployment.class)).getAutomountServiceAccountToken()).isTrue();
    }

    static Stream<Arguments> shutdowns() {
        return Stream.of(
                Arguments.of("by default 10 s of serving while endpoints drain, 10 s for reviews in flight, 25 s grace", Map.of(),
                        "10s", "10s", 25L),
                Arguments.of("longer delays lengthen the grace period to match",
                        Map.of("gracefulShutdown.delaySeconds", 20, "gracefulShutdown.timeoutSeconds", 15), "20s", "15s", 40L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shutdowns")
    void shutting_down_without_skipping_pods(String name, Map<String, Object> sets, String delay, String timeout, long grace) {
        Deployment d = ChartRender.template(null, sets).one(Deployment.class);
        assertThat(env(container(d), "QUARKUS_SHUTDOWN_DELAY")).isEqualTo(delay);
        assertThat(env(container(d), "QUARKUS_SHUTDOWN_TIMEOUT")).isEqualTo(timeout);
        assertThat(pod(d).getTerminationGracePeriodSeconds()).isEqualTo(grace);
        // A rolling update starts the new Pod before it stops an old one.
        assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
    }

    @Test
    void the_shutdown_delay_is_built_into_the_server() throws Exception {
        // quarkus.shutdown.delay-enabled is fixed at build time; without it QUARKUS_SHUTDOWN_DELAY does nothing.
        assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of("src/main/resources/application.properties")))
                .contains("quarkus.shutdown.delay-enabled=true");
    }

    @Test
    void the_install_notes_list_what_uninstalling_leaves_behind_with_the_commands_to_remove_it() {
        assertThat(ChartRender.notes(null, Map.of()))
                .contains("kubectl delete secret -A -l app.kubernetes.io/managed-by=pullsecret-injector")
                .contains("kubectl -n pullsecret-injector delete lease pullsecret-injector-leader --ignore-not-found")
                .contains("kubectl -n pullsecret-injector delete configmap pullsecret-injector-images-0 pullsecret-injector-images-1 "
                        + "pullsecret-injector-images-2 pullsecret-injector-images-3 --ignore-not-found");
    }

    private static String text(io.fabric8.kubernetes.api.model.IntOrString v) {
        return v == null ? null : v.getIntVal() != null ? v.getIntVal().toString() : v.getStrVal();
    }

    private static PodSpec pod(ChartRender.Manifests m) {
        return pod(m.one(Deployment.class));
    }

    private static PodSpec pod(Deployment d) {
        return d.getSpec().getTemplate().getSpec();
    }

    private static Container container(Deployment d) {
        return pod(d).getContainers().get(0);
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name));
    }

}
