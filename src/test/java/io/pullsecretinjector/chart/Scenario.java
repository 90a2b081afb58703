package io.pullsecretinjector.chart;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One way to install the chart: the defaults or a ci/ values file, with what it must render. One
 * row per scenario a user would recognise; the HelmChart*Test classes run their checks on each.
 *
 * @param name           the sentence shown as the test name
 * @param valuesFile     the ci/ file
 * @param extraObjects   objects rendered on top of the ones every install has ("Kind/namespace/name")
 * @param failurePolicy  the webhook's failurePolicy
 * @param timeoutSeconds the webhook's timeoutSeconds
 * @param replicas       Deployment replicas
 * @param minAvailable   the PodDisruptionBudget's minAvailable
 * @param tlsSecret      the Secret mounted as the serving certificate
 * @param targets        the copy names (targetSecretName), sorted
 * @param sources        the source Secrets by namespace
 */
record Scenario(
        String name,
        String valuesFile,
        List<String> extraObjects,
        String failurePolicy,
        int timeoutSeconds,
        int replicas,
        int minAvailable,
        String tlsSecret,
        List<String> targets,
        Map<String, List<String>> sources) {

    static final String NS = ChartRender.NAMESPACE;
    static final String FULLNAME = "pullsecret-injector";

    /** What every install renders, whatever the values. */
    static final List<String> ALWAYS = List.of(
            "ClusterRole/" + FULLNAME,
            "ClusterRoleBinding/" + FULLNAME,
            "ConfigMap/" + NS + "/" + FULLNAME + "-policy",
            "Deployment/" + NS + "/" + FULLNAME,
            "MutatingWebhookConfiguration/" + FULLNAME,
            "PodDisruptionBudget/" + NS + "/" + FULLNAME,
            "Role/" + NS + "/" + FULLNAME,
            "RoleBinding/" + NS + "/" + FULLNAME,
            "Service/" + NS + "/" + FULLNAME,
            "ServiceAccount/" + NS + "/" + FULLNAME);

    private static final List<String> HELM_TLS = List.of("Secret/" + NS + "/" + FULLNAME + "-tls");
    private static final List<String> REGCRED_ROLE = List.of(
            "Role/registry-creds/" + FULLNAME + "-source", "RoleBinding/registry-creds/" + FULLNAME + "-source");
    private static final Map<String, List<String>> REGCRED = Map.of("registry-creds", List.of("regcred"));

    static final List<Scenario> ALL = List.of(
            new Scenario("the smallest install (only the image) has no credentials and a Helm-made certificate", ChartRender.MINIMAL,
                    HELM_TLS, "Ignore", 5, 2, 1, FULLNAME + "-tls", List.of(), Map.of()),
            new Scenario("the README install command (one credential, tls.mode helm)", "tls-helm-values.yaml",
                    concat(HELM_TLS, REGCRED_ROLE), "Ignore", 5, 2, 1, FULLNAME + "-tls", List.of("regcred"), REGCRED),
            new Scenario("tls.mode cert-manager makes a CA and issues the serving certificate from it", "tls-cert-manager-values.yaml",
                    concat(REGCRED_ROLE, List.of("Issuer/" + NS + "/" + FULLNAME + "-selfsigned",
                            "Certificate/" + NS + "/" + FULLNAME + "-ca", "Issuer/" + NS + "/" + FULLNAME + "-ca",
                            "Certificate/" + NS + "/" + FULLNAME + "-serving")),
                    "Ignore", 5, 2, 1, FULLNAME + "-tls", List.of("regcred"), REGCRED),
            new Scenario("tls.mode secret mounts an existing Secret and renders no certificate", "tls-secret-values.yaml",
                    REGCRED_ROLE, "Ignore", 5, 2, 1, "pullsecret-injector-tls", List.of("regcred"), REGCRED),
            new Scenario("the HA scenario runs three replicas, fails closed and keeps two through drains", "ha-values.yaml",
                    concat(HELM_TLS, REGCRED_ROLE), "Fail", 3, 3, 2, FULLNAME + "-tls", List.of("regcred"), REGCRED),
            new Scenario("metrics on: a ServiceMonitor and a NetworkPolicy", "servicemonitor-values.yaml",
                    concat(HELM_TLS, REGCRED_ROLE, List.of("ServiceMonitor/" + NS + "/" + FULLNAME,
                            "NetworkPolicy/" + NS + "/" + FULLNAME)),
                    "Ignore", 5, 2, 1, FULLNAME + "-tls", List.of("regcred"), REGCRED),
            new Scenario("two credentials from two namespaces, one copy renamed", "two-credentials-values.yaml",
                    concat(HELM_TLS, REGCRED_ROLE, List.of("Role/platform-secrets/" + FULLNAME + "-source",
                            "RoleBinding/platform-secrets/" + FULLNAME + "-source")),
                    "Ignore", 5, 2, 1, FULLNAME + "-tls", List.of("dockerhub", "regcred"),
                    Map.of("registry-creds", List.of("regcred"), "platform-secrets", List.of("dockerhub-pull"))),
            new Scenario("two tenants by namespace label with a credential each, and a mirror credential for all", "tenants-values.yaml",
                    concat(HELM_TLS, REGCRED_ROLE), "Ignore", 5, 2, 1, FULLNAME + "-tls", List.of("acme-pull", "globex-pull", "mirror-pull"),
                    Map.of("registry-creds", List.of("acme-pull", "globex-pull", "mirror-pull"))),
            new Scenario("the rescue of stuck Pods on: its own ClusterRole and binding, and nothing else more", "rescue-values.yaml",
                    concat(HELM_TLS, REGCRED_ROLE, List.of("ClusterRole/" + FULLNAME + "-rescue", "ClusterRoleBinding/" + FULLNAME + "-rescue")),
                    "Ignore", 5, 2, 1, FULLNAME + "-tls", List.of("regcred"), REGCRED));

    /** True when the scenario turns the rescue of stuck Pods on, and so must render its RBAC. */
    boolean rescue() {
        return extraObjects.contains("ClusterRole/" + FULLNAME + "-rescue");
    }

    private static final Map<String, ChartRender.Manifests> RENDERED = new ConcurrentHashMap<>();

    /** The rendered manifests, rendered once per scenario. */
    ChartRender.Manifests render() {
        return RENDERED.computeIfAbsent(name, n -> ChartRender.template(valuesFile));
    }

    /** Every object this scenario must render, sorted like {@link ChartRender.Manifests#ids()}. */
    List<String> expectedObjects() {
        return concat(ALWAYS, extraObjects).stream().sorted().toList();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
    }

    @Override
    public String toString() {
        return name;
    }
}
