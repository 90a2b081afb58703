package io.pullsecretinjector.embedded;

import io.pullsecretinjector.config.InjectorConfig.EmbeddedApiMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Which Kubernetes API the injector talks to: a real one, found the way fabric8 finds it, or the
 * embedded in-memory one. Pure: the environment comes in as lookups, so both directions are
 * tested without touching the machine's kubeconfig.
 *
 * <p>In {@code auto} mode a real API is used as soon as one is configured at all, in this order:
 * an explicit API server URL ({@code quarkus.kubernetes-client.api-server-url},
 * {@code kubernetes.master} / {@code KUBERNETES_MASTER}), a cluster ({@code KUBERNETES_SERVICE_HOST}),
 * a kubeconfig ({@code KUBECONFIG}, {@code -Dkubeconfig}, {@code ~/.kube/config}). Only when there
 * is none does the embedded API start, so it can never shadow a real cluster.
 *
 * @param embedded true when the embedded API is to be started and used
 * @param reason   why, as a phrase for the startup log
 */
public record ApiServerChoice(boolean embedded, String reason) {

    /**
     * @param mode         {@code injector.embedded-api}
     * @param apiServerUrl {@code quarkus.kubernetes-client.api-server-url}
     * @param env          environment variables
     * @param properties   system properties
     * @param home         the user's home directory, or null
     */
    public static ApiServerChoice decide(EmbeddedApiMode mode, Optional<String> apiServerUrl, UnaryOperator<String> env,
                                         UnaryOperator<String> properties, Path home) {
        if (mode == EmbeddedApiMode.always) {
            return new ApiServerChoice(true, "injector.embedded-api=always");
        }
        String real = configuredApi(apiServerUrl, env, properties, home);
        if (mode == EmbeddedApiMode.never) {
            return new ApiServerChoice(false, "injector.embedded-api=never" + (real == null ? "" : "; " + real));
        }
        if (real != null) {
            return new ApiServerChoice(false, real);
        }
        return new ApiServerChoice(true, "no Kubernetes API is configured: no KUBECONFIG, no ~/.kube/config, not in a cluster, "
                + "no API server URL; INJECTOR_EMBEDDED_API=never refuses the embedded one");
    }

    /** The same decision from this process's environment. */
    public static ApiServerChoice fromEnvironment(EmbeddedApiMode mode, Optional<String> apiServerUrl) {
        String home = System.getProperty("user.home");
        return decide(mode, apiServerUrl, System::getenv, System::getProperty, home == null ? null : Path.of(home));
    }

    private static String configuredApi(Optional<String> apiServerUrl, UnaryOperator<String> env, UnaryOperator<String> properties, Path home) {
        if (apiServerUrl.filter(u -> !u.isBlank()).isPresent()) {
            return "quarkus.kubernetes-client.api-server-url is " + apiServerUrl.get();
        }
        if (set(properties.apply("kubernetes.master"))) {
            return "kubernetes.master is " + properties.apply("kubernetes.master");
        }
        if (set(env.apply("KUBERNETES_MASTER"))) {
            return "KUBERNETES_MASTER is " + env.apply("KUBERNETES_MASTER");
        }
        if (set(env.apply("KUBERNETES_SERVICE_HOST"))) {
            return "running in a cluster (KUBERNETES_SERVICE_HOST is set)";
        }
        if (set(env.apply("KUBECONFIG"))) {
            return "the kubeconfig KUBECONFIG names (" + env.apply("KUBECONFIG") + ")";
        }
        if (set(properties.apply("kubeconfig"))) {
            return "the kubeconfig -Dkubeconfig names (" + properties.apply("kubeconfig") + ")";
        }
        if (home != null && Files.isRegularFile(home.resolve(".kube").resolve("config"))) {
            return "the kubeconfig " + home.resolve(".kube").resolve("config");
        }
        return null;
    }

    private static boolean set(String value) {
        return value != null && !value.isBlank();
    }
}
