package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's ValidatingAdmissionPolicy, evaluated: its CEL expressions, as rendered, compiled and
 * run with cel-java against the requests the API server would send (object and oldObject as
 * decoded JSON, oldObject absent on create, object absent on delete). Which writes by the
 * injector's ServiceAccount are allowed, and that the token-minting request is denied. The real
 * API server (with its typed Secret schema) is exercised by make e2e.
 */
class HelmChartSecretWritesCelTest {

    private static final String INJECTOR = "system:serviceaccount:pullsecret-injector:pullsecret-injector";
    private static final String MANAGED = "pullsecret-injector";
    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("request", SimpleType.DYN)
            .addVar("object", SimpleType.DYN)
            .addVar("oldObject", SimpleType.DYN)
            .addVar("variables", SimpleType.DYN)
            .build();

    /** The policy for one credential (copy "regcred") and one retired copy name ("old-regcred"). */
    private static final GenericKubernetesResource POLICY = ChartRender.template("tls-helm-values.yaml", Map.of(
            "validatingAdmissionPolicy.enabled", true, "rbac.retiredSecretNames[0]", "old-regcred"))
            .generic("ValidatingAdmissionPolicy").get(0);

    static Map<String, Object> secret(String namespace, String name, String type, String managedBy, Map<String, String> annotations) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("namespace", namespace);
        meta.put("name", name);
        if (managedBy != null) {
            meta.put("labels", Map.of("app.kubernetes.io/managed-by", managedBy));
        }
        if (!annotations.isEmpty()) {
            meta.put("annotations", annotations);
        }
        return Map.of("apiVersion", "v1", "kind", "Secret", "metadata", meta, "type", type, "data", Map.of());
    }

    static Map<String, Object> copy(String namespace, String name) {
        return secret(namespace, name, "kubernetes.io/dockerconfigjson", MANAGED, Map.of("pullsecret-injector.io/source", "registry-creds/regcred"));
    }

    static Stream<Arguments> requests() {
        Map<String, Object> copy = copy("team-a", "regcred");
        Map<String, Object> tokenSecret = secret("kube-system", "regcred", "kubernetes.io/service-account-token", MANAGED,
                Map.of("kubernetes.io/service-account.name", "clusterrole-aggregation-controller"));
        Map<String, Object> usersOwn = secret("team-a", "regcred", "kubernetes.io/dockerconfigjson", null, Map.of());
        return Stream.of(
                Arguments.of("the injector creates its copy", INJECTOR, "CREATE", copy, null, "allowed"),
                Arguments.of("the injector refreshes its copy", INJECTOR, "UPDATE", copy, copy, "allowed"),
                Arguments.of("the injector prunes its copy (object is null on delete)", INJECTOR, "DELETE", null, copy, "allowed"),
                Arguments.of("a copy of a legacy .dockercfg source keeps its type and is allowed", INJECTOR, "CREATE",
                        secret("team-a", "regcred", "kubernetes.io/dockercfg", MANAGED, Map.of()), null, "allowed"),
                Arguments.of("the injector prunes a copy whose name is in rbac.retiredSecretNames", INJECTOR, "DELETE", null,
                        copy("team-a", "old-regcred"), "allowed"),
                Arguments.of("the token-minting Secret (service-account-token named like a copy) is denied", INJECTOR, "CREATE",
                        tokenSecret, null, "denied: pullsecret-injector may write only registry pull Secrets"),
                Arguments.of("an unlabelled Secret is denied", INJECTOR, "CREATE", usersOwn, null,
                        "denied: pullsecret-injector may write only Secrets labelled"),
                Arguments.of("taking over someone's Secret by adding the label in an update is denied", INJECTOR, "UPDATE", copy, usersOwn,
                        "denied: pullsecret-injector may write only Secrets labelled"),
                Arguments.of("deleting someone's unlabelled Secret is denied", INJECTOR, "DELETE", null, usersOwn,
                        "denied: pullsecret-injector may write only Secrets labelled"),
                Arguments.of("a name that is no copy of the policy is denied", INJECTOR, "CREATE", copy("team-a", "other"), null,
                        "denied: pullsecret-injector may create and update only the copy names"),
                Arguments.of("a retired name may be deleted but not created again", INJECTOR, "CREATE", copy("team-a", "old-regcred"), null,
                        "denied: pullsecret-injector may create and update only the copy names"),
                Arguments.of("anyone else's Secret writes are not matched at all", "system:serviceaccount:kube-system:admin", "CREATE",
                        tokenSecret, null, "not matched"),
                Arguments.of("another ServiceAccount named like the injector in another namespace is not matched",
                        "system:serviceaccount:other:pullsecret-injector", "CREATE", tokenSecret, null, "not matched"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requests")
    void the_policy_decides(String name, String user, String operation, Map<String, Object> object, Map<String, Object> oldObject,
                            String expected) throws Exception {
        Map<String, Object> vars = new HashMap<>();
        vars.put("request", Map.of("operation", operation, "userInfo", Map.of("username", user)));
        // The API server binds null here; an unbound variable fails just the same if an expression touches it.
        if (object != null) {
            vars.put("object", object);
        }
        if (oldObject != null) {
            vars.put("oldObject", oldObject);
        }
        assertThat(decide(vars)).startsWith(expected);
    }

    @SuppressWarnings("unchecked")
    private static String decide(Map<String, Object> vars) throws Exception {
        for (Map<String, Object> c : (List<Map<String, Object>>) POLICY.get("spec", "matchConditions")) {
            if (!Boolean.TRUE.equals(eval((String) c.get("expression"), vars))) {
                return "not matched";
            }
        }
        Map<String, Object> variables = new LinkedHashMap<>();
        vars.put("variables", variables);
        for (Map<String, Object> v : (List<Map<String, Object>>) POLICY.get("spec", "variables")) {
            variables.put((String) v.get("name"), eval((String) v.get("expression"), vars));
        }
        for (Map<String, Object> v : (List<Map<String, Object>>) POLICY.get("spec", "validations")) {
            if (!Boolean.TRUE.equals(eval((String) v.get("expression"), vars))) {
                return "denied: " + v.get("message");
            }
        }
        return "allowed";
    }

    private static Object eval(String expression, Map<String, Object> vars) throws Exception {
        return CEL.createProgram(CEL.compile(expression).getAst()).eval(vars);
    }
}
