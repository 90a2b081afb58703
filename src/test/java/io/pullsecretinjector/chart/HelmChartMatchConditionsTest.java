package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * webhook.matchConditions: Pods the API server never sends to the injector. Whether the API server
 * evaluates them as intended (a mirror Pod admitted unchanged) is proven in make e2e.
 */
class HelmChartMatchConditionsTest {

    static final String NOT_MIRROR = "not-a-mirror-pod: !has(object.metadata.annotations) "
            + "|| !('kubernetes.io/config.mirror' in object.metadata.annotations)";
    static final String NOT_OPTED_OUT = "not-opted-out: !has(object.metadata.annotations) "
            + "|| !('pullsecret-injector.io/inject' in object.metadata.annotations) "
            + "|| object.metadata.annotations['pullsecret-injector.io/inject'] != 'false'";

    static Stream<Arguments> conditions() {
        return Stream.of(
                Arguments.of("on 1.30 and newer the defaults skip mirror Pods and Pods annotated inject: \"false\"",
                        "1.30.0", "{}", List.of(NOT_MIRROR, NOT_OPTED_OUT)),
                Arguments.of("a vendor version string of 1.31 counts as 1.31", "v1.31.4-eks-1234", "{}",
                        List.of(NOT_MIRROR, NOT_OPTED_OUT)),
                Arguments.of("before 1.30 none are rendered: older API servers reject the field", "1.29.9", "{}", List.of()),
                Arguments.of("an empty list renders none", "1.31.0", "webhook: {matchConditions: []}", List.of()),
                Arguments.of("a list of your own replaces the defaults", "1.31.0",
                        "webhook: {matchConditions: [{name: not-a-job, expression: '!has(object.metadata.ownerReferences)'}]}",
                        List.of("not-a-job: !has(object.metadata.ownerReferences)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditions")
    void the_webhook_match_conditions(String name, String kubeVersion, String values, List<String> expected) {
        List<MatchCondition> rendered = ChartRender.templateYaml(kubeVersion, values)
                .one(MutatingWebhookConfiguration.class).getWebhooks().get(0).getMatchConditions();
        assertThat(rendered == null ? List.<String>of() : rendered.stream().map(c -> c.getName() + ": " + c.getExpression()).toList())
                .isEqualTo(expected);
    }
}
