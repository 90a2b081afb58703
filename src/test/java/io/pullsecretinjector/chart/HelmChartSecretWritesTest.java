package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The injector's Secret writes are limited to what it makes: a ValidatingAdmissionPolicy scoped to
 * its ServiceAccount where the cluster has one, RBAC without patch, and the retired copy names kept
 * deletable so a prune survives the upgrade that removes a credential. Whether the API server
 * enforces it is proven against a real one (make e2e); these check what the chart asks for.
 */
@SuppressWarnings("unchecked")
class HelmChartSecretWritesTest {

    private static final String VAP = "pullsecret-injector-secret-writes";
    private static final String WITH_VAP = "validatingAdmissionPolicy.enabled";

    static Stream<Arguments> rendering() {
        return Stream.of(
                Arguments.of("auto (the default) renders nothing when the cluster does not serve ValidatingAdmissionPolicy", Map.of(), false),
                Arguments.of("true renders the policy and its binding whatever the cluster says", Map.of(WITH_VAP, true), true),
                Arguments.of("false renders neither", Map.of(WITH_VAP, false), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rendering")
    void the_policy_is_rendered(String name, Map<String, Object> sets, boolean rendered) {
        var m = ChartRender.template("tls-helm-values.yaml", sets);
        assertThat(m.generic("ValidatingAdmissionPolicy")).hasSize(rendered ? 1 : 0);
        assertThat(m.generic("ValidatingAdmissionPolicyBinding")).hasSize(rendered ? 1 : 0);
    }

    @Test
    void auto_asks_the_cluster_for_the_v1_policy_kind() throws Exception {
        // helm-java cannot pass --api-versions, so the capability check is read from the template.
        String helpers = Files.readString(ChartRender.CHART.resolve("templates/_helpers.tpl"));
        assertThat(helpers).contains(".Capabilities.APIVersions.Has \"admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy\"");
    }

    @Test
    void the_policy_matches_only_the_injectors_service_account_and_only_secret_writes() {
        var m = ChartRender.template("two-credentials-values.yaml", Map.of(WITH_VAP, true));
        GenericKubernetesResource vap = m.generic("ValidatingAdmissionPolicy").get(0);
        assertThat(vap.getApiVersion()).isEqualTo("admissionregistration.k8s.io/v1");
        assertThat(vap.getMetadata().getName()).isEqualTo(VAP);
        Map<String, Object> spec = vap.get("spec");
        assertThat(spec).containsEntry("failurePolicy", "Fail");
        assertThat((List<Object>) vap.get("spec", "matchConstraints", "resourceRules")).containsExactly(Map.of(
                "apiGroups", List.of(""), "apiVersions", List.of("v1"),
                "operations", List.of("CREATE", "UPDATE", "DELETE"), "resources", List.of("secrets")));
        assertThat((List<Object>) vap.get("spec", "matchConditions")).containsExactly(Map.of("name", "injector-service-account",
                "expression", "request.userInfo.username == \"system:serviceaccount:pullsecret-injector:pullsecret-injector\""));

        GenericKubernetesResource binding = m.generic("ValidatingAdmissionPolicyBinding").get(0);
        assertThat(binding.getMetadata().getName()).isEqualTo(VAP);
        assertThat((Map<String, Object>) binding.get("spec"))
                .containsEntry("policyName", VAP)
                .containsEntry("validationActions", List.of("Deny"))
                .doesNotContainKey("matchResources");
    }

    @Test
    void a_service_account_of_your_own_is_the_one_the_policy_matches() {
        var m = ChartRender.template("tls-helm-values.yaml", Map.of(WITH_VAP, true,
                "serviceAccount.create", false, "serviceAccount.name", "my-injector"));
        assertThat((List<Map<String, Object>>) m.generic("ValidatingAdmissionPolicy").get(0).get("spec", "matchConditions"))
                .singleElement().satisfies(c -> assertThat(c.get("expression"))
                        .isEqualTo("request.userInfo.username == \"system:serviceaccount:pullsecret-injector:my-injector\""));
    }

    static Stream<Arguments> allowed() {
        return Stream.of(
                Arguments.of("no credentials: no name may be written", null, Map.of(), "[]", "[]"),
                Arguments.of("two credentials: their copy names", "two-credentials-values.yaml", Map.of(),
                        "[\"dockerhub\",\"regcred\"]", "[]"),
                Arguments.of("a retired copy name may only be deleted", "tls-helm-values.yaml",
                        Map.of("rbac.retiredSecretNames[0]", "old-regcred"), "[\"regcred\"]", "[\"old-regcred\"]"),
                Arguments.of("a retired name that is still a copy name stays a copy name", "tls-helm-values.yaml",
                        Map.of("rbac.retiredSecretNames[0]", "regcred", "rbac.retiredSecretNames[1]", "b-old",
                                "rbac.retiredSecretNames[2]", "a-old"), "[\"regcred\"]", "[\"a-old\",\"b-old\"]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowed")
    void the_policy_allows_the_copy_names_and_for_delete_the_retired_ones(String name, String values, Map<String, Object> sets,
                                                                          String copyNames, String retiredNames) {
        var sets2 = new java.util.HashMap<>(sets);
        sets2.put(WITH_VAP, true);
        GenericKubernetesResource vap = ChartRender.template(values, sets2).generic("ValidatingAdmissionPolicy").get(0);
        List<Map<String, Object>> variables = vap.get("spec", "variables");
        assertThat(variables).extracting(v -> v.get("name") + " = " + v.get("expression")).containsExactly(
                "secret = request.operation == \"DELETE\" ? oldObject : object",
                "copyNames = " + copyNames,
                "retiredNames = " + retiredNames);
    }

    @Test
    void the_validations_check_type_managed_by_label_and_name_each_with_a_message_that_says_what_to_do() {
        GenericKubernetesResource vap = ChartRender.template("tls-helm-values.yaml", Map.of(WITH_VAP, true))
                .generic("ValidatingAdmissionPolicy").get(0);
        List<Map<String, Object>> validations = vap.get("spec", "validations");
        assertThat(validations).hasSize(3).allSatisfy(v -> assertThat(v).containsEntry("reason", "Forbidden").containsKey("message"));
        // Registry pull Secrets only: a service-account-token Secret (the token-minting path) fails this one.
        assertThat((String) validations.get(0).get("expression"))
                .contains("variables.secret.type in [\"kubernetes.io/dockerconfigjson\", \"kubernetes.io/dockercfg\"]");
        // The managed-by label on the Secret written and, on update, on the Secret before: no taking over someone else's Secret.
        assertThat((String) validations.get(1).get("expression"))
                .contains("variables.secret.metadata.labels[\"app.kubernetes.io/managed-by\"] == \"pullsecret-injector\"")
                .contains("request.operation != \"UPDATE\"")
                .contains("oldObject.metadata.labels[\"app.kubernetes.io/managed-by\"] == \"pullsecret-injector\"");
        assertThat((String) validations.get(2).get("expression"))
                .contains("variables.secret.metadata.name in variables.copyNames")
                .contains("request.operation == \"DELETE\" && variables.secret.metadata.name in variables.retiredNames");
        assertThat((String) validations.get(2).get("message")).contains("rbac.retiredSecretNames");
    }

    static Stream<Arguments> rbac() {
        return Stream.of(
                Arguments.of("no patch verb on Secrets: the injector never patches one", Map.of(),
                        List.of("secrets: create", "secrets: get,update,delete [regcred]", "namespaces: get,list,watch", "events.k8s.io/events: create,patch")),
                Arguments.of("a retired copy name keeps get and delete only, so its copies can be pruned",
                        Map.of("rbac.retiredSecretNames[0]", "old-regcred"),
                        List.of("secrets: create", "secrets: get,update,delete [regcred]", "secrets: get,delete [old-regcred]",
                                "namespaces: get,list,watch", "events.k8s.io/events: create,patch")),
                Arguments.of("a retired name that is still a copy name adds no rule",
                        Map.of("rbac.retiredSecretNames[0]", "regcred"),
                        List.of("secrets: create", "secrets: get,update,delete [regcred]", "namespaces: get,list,watch", "events.k8s.io/events: create,patch")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rbac")
    void the_cluster_role(String name, Map<String, Object> sets, List<String> rules) {
        assertThat(ChartRender.template("tls-helm-values.yaml", sets).one(ClusterRole.class).getRules())
                .extracting(HelmChartRbacTest::line).isEqualTo(rules);
    }

    @Test
    void the_install_notes_say_whether_the_policy_was_installed_and_the_risk_when_not() {
        assertThat(ChartRender.notes(null, Map.of(WITH_VAP, true)))
                .contains("The ValidatingAdmissionPolicy " + VAP + " limits the injector's Secret writes")
                .doesNotContain("WARNING: no ValidatingAdmissionPolicy");
        assertThat(ChartRender.notes(null, Map.of()))
                .contains("WARNING: no ValidatingAdmissionPolicy was installed")
                .contains("treat it as a cluster-admin credential");
    }

    @Test
    void a_retired_name_must_be_a_valid_secret_name() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ChartRender.templateText(null, Map.of("rbac.retiredSecretNames[0]", "Old_Name")))
                .hasMessageContaining("retiredSecretNames");
    }
}
