package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RBAC is least privilege and derived from the policy values: the exact rules, for every scenario.
 * Rules are compared as one line each, "group/resource: verbs [resourceNames]", so a failure shows
 * the whole rule set.
 */
class HelmChartRbacTest {

    static Stream<Scenario> scenarios() {
        return Scenario.ALL.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void the_cluster_role_creates_secrets_and_touches_only_the_copies_by_name(Scenario s) {
        List<String> expected = new ArrayList<>();
        expected.add("secrets: create");
        if (!s.targets().isEmpty()) {
            expected.add("secrets: get,update,delete " + s.targets());
        }
        expected.add("namespaces: get,list,watch");
        expected.add("events.k8s.io/events: create,patch");
        assertThat(injectorRole(s.render()).getRules()).extracting(HelmChartRbacTest::line).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void each_source_namespace_gets_a_role_that_reads_only_its_source_secrets(Scenario s) {
        Map<String, List<String>> sourceRoles = new TreeMap<>();
        for (Role r : s.render().all(Role.class)) {
            if (r.getMetadata().getName().equals(Scenario.FULLNAME + "-source")) {
                sourceRoles.put(r.getMetadata().getNamespace(), r.getRules().stream().map(HelmChartRbacTest::line).toList());
            }
        }
        Map<String, List<String>> expected = new TreeMap<>();
        s.sources().forEach((ns, names) -> expected.put(ns, List.of("secrets: get,list,watch " + names.stream().sorted().toList())));
        assertThat(sourceRoles).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void the_own_namespace_role_covers_only_the_policy_configmap_the_leader_lease_and_the_image_inventory(Scenario s) {
        Role own = s.render().all(Role.class).stream()
                .filter(r -> r.getMetadata().getName().equals(Scenario.FULLNAME)).findFirst().orElseThrow();
        assertThat(own.getMetadata().getNamespace()).isEqualTo(Scenario.NS);
        assertThat(own.getRules()).extracting(HelmChartRbacTest::line).containsExactly(
                "configmaps: get,list,watch [" + Scenario.FULLNAME + "-policy]",
                "coordination.k8s.io/leases: create",
                "coordination.k8s.io/leases: get,update,patch [" + Scenario.FULLNAME + "-leader]",
                "configmaps: create",
                "configmaps: get,update [" + Scenario.FULLNAME + "-images-0, " + Scenario.FULLNAME + "-images-1, "
                        + Scenario.FULLNAME + "-images-2, " + Scenario.FULLNAME + "-images-3]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void no_rule_uses_wildcards_or_lists_secrets_cluster_wide(Scenario s) {
        List<PolicyRule> all = new ArrayList<>();
        s.render().all(ClusterRole.class).forEach(r -> all.addAll(r.getRules()));
        s.render().all(Role.class).forEach(r -> all.addAll(r.getRules()));
        assertThat(all).allSatisfy(r -> {
            assertThat(r.getVerbs()).doesNotContain("*");
            assertThat(r.getResources()).doesNotContain("*");
            assertThat(r.getApiGroups()).doesNotContain("*");
            assertThat(r.getNonResourceURLs()).isNullOrEmpty();
        });
        // On Secrets, only create goes without resourceNames, and only in the ClusterRole.
        assertThat(all).filteredOn(r -> r.getResources().contains("secrets") && (r.getResourceNames() == null || r.getResourceNames().isEmpty()))
                .extracting(HelmChartRbacTest::line).containsExactly("secrets: create");
        assertThat(injectorRole(s.render()).getRules()).filteredOn(r -> r.getResources().contains("secrets"))
                .allSatisfy(r -> assertThat(r.getVerbs()).doesNotContain("list", "watch"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void every_role_is_bound_to_the_injectors_service_account(Scenario s) {
        String sa = s.render().all(io.fabric8.kubernetes.api.model.ServiceAccount.class).get(0).getMetadata().getName();
        assertThat(sa).isEqualTo(s.render().one(io.fabric8.kubernetes.api.model.apps.Deployment.class)
                .getSpec().getTemplate().getSpec().getServiceAccountName());
        List<String> clusterRoles = s.render().all(ClusterRole.class).stream().map(r -> r.getMetadata().getName()).sorted().toList();
        List<String> clusterBound = s.render().all(ClusterRoleBinding.class).stream().map(crb -> {
            assertThat(crb.getRoleRef().getKind()).isEqualTo("ClusterRole");
            assertThat(crb.getSubjects()).extracting(x -> x.getKind() + "/" + x.getNamespace() + "/" + x.getName())
                    .containsExactly("ServiceAccount/" + Scenario.NS + "/" + sa);
            return crb.getRoleRef().getName();
        }).sorted().toList();
        assertThat(clusterBound).isEqualTo(clusterRoles);
        List<String> roles = s.render().all(Role.class).stream().map(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName()).sorted().toList();
        List<String> bound = s.render().all(RoleBinding.class).stream().map(b -> {
            assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
            assertThat(b.getSubjects()).extracting(x -> x.getKind() + "/" + x.getNamespace() + "/" + x.getName())
                    .containsExactly("ServiceAccount/" + Scenario.NS + "/" + sa);
            return b.getMetadata().getNamespace() + "/" + b.getRoleRef().getName();
        }).sorted().toList();
        assertThat(bound).isEqualTo(roles);
    }

    @Test
    void two_credentials_from_one_namespace_share_one_role_naming_both() {
        var m = ChartRender.template(null, Map.of(
                "policy.registryCredentials[0].existingSecret", "b-cred",
                "policy.registryCredentials[0].existingSecretNamespace", "creds",
                "policy.registryCredentials[1].existingSecret", "a-cred",
                "policy.registryCredentials[1].existingSecretNamespace", "creds",
                "policy.registryCredentials[1].targetSecretName", "a-copy"));
        assertThat(m.all(Role.class)).filteredOn(r -> r.getMetadata().getNamespace().equals("creds"))
                .singleElement().satisfies(r -> assertThat(r.getRules()).extracting(HelmChartRbacTest::line)
                        .containsExactly("secrets: get,list,watch [a-cred, b-cred]"));
        assertThat(injectorRole(m).getRules()).extracting(HelmChartRbacTest::line)
                .contains("secrets: get,update,delete [a-copy, b-cred]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void pods_may_be_listed_watched_and_evicted_only_with_the_rescue_on_and_never_read_or_deleted(Scenario s) {
        List<String> podRules = new ArrayList<>();
        s.render().all(ClusterRole.class).forEach(r -> r.getRules().stream().filter(p -> p.getResources().stream().anyMatch(x -> x.startsWith("pods")))
                .forEach(p -> podRules.add(r.getMetadata().getName() + " " + line(p))));
        s.render().all(Role.class).forEach(r -> assertThat(r.getRules()).allSatisfy(p -> assertThat(p.getResources()).noneMatch(x -> x.startsWith("pods"))));

        assertThat(podRules).isEqualTo(s.rescue()
                ? List.of(Scenario.FULLNAME + "-rescue pods: list,watch", Scenario.FULLNAME + "-rescue pods/eviction: create")
                : List.of());
    }

    /** The injector's main ClusterRole (the rescue has one of its own). */
    static ClusterRole injectorRole(ChartRender.Manifests m) {
        return m.all(ClusterRole.class).stream().filter(r -> r.getMetadata().getName().equals(Scenario.FULLNAME)).findFirst().orElseThrow();
    }

    static String line(PolicyRule r) {
        String group = r.getApiGroups().size() == 1 && r.getApiGroups().get(0).isEmpty() ? "" : String.join(",", r.getApiGroups()) + "/";
        String names = r.getResourceNames() == null || r.getResourceNames().isEmpty() ? "" : " " + r.getResourceNames();
        return group + String.join(",", r.getResources()) + ": " + String.join(",", r.getVerbs()) + names;
    }
}
