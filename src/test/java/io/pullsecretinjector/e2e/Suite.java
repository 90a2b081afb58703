package io.pullsecretinjector.e2e;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every scenario starts from, set up once for the whole run: the source namespace with its
 * registry Secrets, the chart installed with Helm as a cluster admin would (webhook reached by URL,
 * because the injector runs outside the cluster), and one injector replica serving the webhook.
 * Scenarios that stop the injector start it again before they end ({@link #ensureServing()}).
 */
final class Suite implements BeforeAllCallback, ExtensionContext.Store.CloseableResource {

    static final String RELEASE = "pullsecret-injector";
    static final String NAMESPACE = "pullsecret-injector";
    static final String SERVICE_ACCOUNT = "pullsecret-injector";
    static final String LEASE = RELEASE + "-leader";
    static final String SOURCES = "registry-creds";
    static final Path CHART = Path.of("charts", "pullsecret-injector");

    /** The policy the chart is installed with: the credentials and rewrite the scenarios use. */
    static final String POLICY = policy("");

    /**
     * The suite's policy values with {@code moreCredentials} (YAML list items, indented as
     * {@code policy.registryCredentials} entries) added to its credentials.
     */
    static String policy(String moreCredentials) {
        return """
                policy:
                  registryCredentials:
                    - existingSecret: regcred
                      existingSecretNamespace: registry-creds
                      registries: [registry.example.com]
                      prune: true
                    - existingSecret: absent-cred
                      existingSecretNamespace: registry-creds
                      registries: [missing.example.com]
                    - existingSecret: mirror-pull
                      existingSecretNamespace: registry-creds
                      registries: [mirror.example.com]
                %s  imageRewrites:
                    - from: docker.io
                      to: mirror.example.com/dockerhub
                """.formatted(moreCredentials.indent(4).replace("\n    \n", "\n"));
    }

    private static final List<Instant[]> UPGRADES = new CopyOnWriteArrayList<>();
    private static InjectorProcess serving;
    private static Path kubeconfig;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(Suite.class, k -> {
            install();
            return this;
        });
    }

    private static void install() {
        var admin = Cluster.admin();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SOURCES).endMetadata().build()).create();
        admin.secrets().resource(Cluster.dockerConfig(SOURCES, "regcred", "registry.example.com", "first-password")).create();
        admin.secrets().resource(Cluster.dockerConfig(SOURCES, "mirror-pull", "mirror.example.com", "mirror-password")).create();
        new Helm(CHART).install().withName(RELEASE).withNamespace(NAMESPACE).createNamespace()
                .withKubeConfig(Cluster.ADMIN_KUBECONFIG).withValuesFile(values(POLICY)).call();
        kubeconfig = Cluster.serviceAccountKubeconfig(NAMESPACE, SERVICE_ACCOUNT);
        ensureServing();
    }

    /** {@code helm upgrade} with another policy (the rest of the values as installed). */
    static void upgrade(String policy) {
        upgrade(policy, "", "");
    }

    /**
     * {@code helm upgrade} with another policy and more values.
     *
     * @param webhook lines added under {@code webhook:}, indented by two spaces
     * @param more    YAML for other top-level keys (not {@code policy}, {@code image}, {@code webhook}, {@code tls})
     */
    static void upgrade(String policy, String webhook, String more) {
        Instant start = Instant.now();
        try {
            new Helm(CHART).upgrade().withName(RELEASE).withNamespace(NAMESPACE)
                    .withKubeConfig(Cluster.ADMIN_KUBECONFIG).withValuesFile(values(policy, webhook, more)).call();
        } finally {
            UPGRADES.add(new Instant[] {start, Instant.now()});
        }
    }

    /**
     * True when {@code t} falls while a {@code helm upgrade} was applying its objects, or in the few
     * seconds after: Helm applies the policy ConfigMap before the RBAC objects, so the injector can
     * be refused for a moment there, by design of Helm's install order.
     */
    static boolean duringAnUpgrade(Instant t) {
        return UPGRADES.stream().anyMatch(w -> !t.isBefore(w[0].minusSeconds(1)) && !t.isAfter(w[1].plusSeconds(5)));
    }

    /** The replica the webhook URL reaches, started when none is running. */
    static synchronized InjectorProcess ensureServing() {
        if (serving == null || !serving.alive()) {
            serving = InjectorProcess.start("replica-a", Cluster.INJECTOR_PORT, kubeconfig);
        }
        return serving;
    }

    /**
     * Replaces the replica the webhook URL reaches with one started with {@code settings} on top of
     * the usual ones; an empty map brings back the usual replica.
     */
    static synchronized InjectorProcess serveWith(Map<String, String> settings) {
        if (serving != null && serving.alive()) {
            serving.close();
        }
        serving = InjectorProcess.start("replica-a", Cluster.INJECTOR_PORT, kubeconfig, settings);
        return serving;
    }

    /** The replica serving the webhook URL, or null when a scenario stopped it. */
    static synchronized InjectorProcess serving() {
        return serving;
    }

    /** Another replica, on a port of its own (the API server does not call it): for leader election. */
    static InjectorProcess startExtraReplica(String identity) {
        return InjectorProcess.start(identity, InjectorProcess.freePort(), kubeconfig);
    }

    /** The kubeconfig of the chart's ServiceAccount, as the injector uses it. */
    static Path injectorKubeconfig() {
        return kubeconfig;
    }

    /** The values a cluster admin gives for an injector reached by URL, with {@code policy}. */
    static Path values(String policy) {
        return values(policy, "", "");
    }

    private static Path values(String policy, String webhook, String more) {
        String caBundle = Base64.getEncoder().encodeToString(
                Cluster.read(Cluster.INJECTOR_PKI.resolve("ca.crt")).getBytes(StandardCharsets.UTF_8));
        String values = """
                image:
                  # never pulled: no kubelet runs in this control plane, and webhook.url renders no Deployment
                  repository: registry.example.com/pullsecret-injector
                webhook:
                  url: https://127.0.0.1:%d/mutate
                  timeoutSeconds: 5
                %stls:
                  caBundle: %s
                """.formatted(Cluster.INJECTOR_PORT, webhook, caBundle) + policy + more;
        try {
            Path file = Files.createTempFile(Cluster.WORK, "values", ".yaml");
            Files.writeString(file, values);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        InjectorProcess s = serving();
        if (s != null) {
            s.close();
        }
    }
}
