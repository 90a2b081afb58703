package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.pullsecretinjector.config.RescueConfig;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart's rescue values: off by default with nothing rendered for it, on with its settings and RBAC. */
class HelmChartRescueTest {

    static Map<String, String> rescueEnv(ChartRender.Manifests m) {
        return m.one(Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().startsWith("INJECTOR_RESCUE_")).collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    @Test
    void offByDefaultTheInjectorGetsNoRescueSettingAndNoRoleOnPods() {
        ChartRender.Manifests m = ChartRender.template(null);

        assertThat(rescueEnv(m)).isEmpty();
        assertThat(m.ids()).noneMatch(id -> id.contains("rescue"));
    }

    @Test
    void onTheDeploymentCarriesEverySettingOfRescueConfigUnderItsEnvironmentName() {
        Map<String, String> env = rescueEnv(ChartRender.template("rescue-values.yaml"));

        assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.of(
                "INJECTOR_RESCUE_ENABLED", "true",
                "INJECTOR_RESCUE_GRACE_PERIOD", "5m",
                "INJECTOR_RESCUE_EVICTIONS_PER_MINUTE", "10",
                "INJECTOR_RESCUE_RUNNING_PODS", "true"));
        // one variable per setting of the injector's typed config, named as SmallRye maps injector.rescue.grace-period
        assertThat(env.keySet()).containsExactlyInAnyOrderElementsOf(Arrays.stream(RescueConfig.class.getDeclaredMethods())
                .map(Method::getName).map(n -> "INJECTOR_RESCUE_" + n.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase()).toList());
    }

    @Test
    void theRescueRoleMayListWatchAndEvictPodsAndNothingElse() {
        ClusterRole role = ChartRender.template("rescue-values.yaml").all(ClusterRole.class).stream()
                .filter(r -> r.getMetadata().getName().equals(Scenario.FULLNAME + "-rescue")).findFirst().orElseThrow();

        assertThat(role.getRules()).extracting(HelmChartRbacTest::line).containsExactly("pods: list,watch", "pods/eviction: create");
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("no eviction at all a minute is rejected", Map.of("rescue.evictionsPerMinute", 0), "evictionsPerMinute"),
                Arguments.of("a grace period in words is rejected", Map.of("rescue.gracePeriod", "two minutes"), "gracePeriod"),
                Arguments.of("a misspelt rescue key is rejected", Map.of("rescue.enable", true), "enable"),
                Arguments.of("runningPods must be a boolean", Map.of("rescue.runningPods", "yes"), "runningPods"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void theSchemaRejectsBadRescueValues(String sentence, Map<String, Object> sets, String mentioned) {
        assertThatThrownBy(() -> ChartRender.templateText(null, sets))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(mentioned);
    }

    @Test
    void theNotesSayWhatTheRescueDoesAndHowToSeeIt() {
        String notes = ChartRender.notes("rescue-values.yaml", Map.of());

        assertThat(notes).contains("the leader evicts Pods that are stuck pulling (5m or longer)", "at most 10 a minute",
                "kubectl get events -A --field-selector reason=StuckPodEvicted");
        assertThat(ChartRender.notes(Map.of())).doesNotContain("StuckPod");
    }

    @Test
    void anInjectorRunOutsideTheClusterIsToldTheRescueSettingsAndStillGetsItsRole() {
        Map<String, Object> outside = Map.of("webhook.url", "https://injector.example.com:8443/mutate", "tls.caBundle", "Y2E=");

        String notes = ChartRender.notes("rescue-values.yaml", outside);
        ChartRender.Manifests m = ChartRender.template("rescue-values.yaml", outside);

        assertThat(notes).contains("INJECTOR_RESCUE_ENABLED=true INJECTOR_RESCUE_GRACE_PERIOD=5m",
                "INJECTOR_RESCUE_EVICTIONS_PER_MINUTE=10 INJECTOR_RESCUE_RUNNING_PODS=true");
        assertThat(m.ids()).contains("ClusterRole/" + Scenario.FULLNAME + "-rescue", "ClusterRoleBinding/" + Scenario.FULLNAME + "-rescue");
        assertThat(ChartRender.notes(null, outside)).doesNotContain("INJECTOR_RESCUE");
    }
}
