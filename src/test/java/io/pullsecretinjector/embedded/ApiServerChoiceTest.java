package io.pullsecretinjector.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullsecretinjector.config.InjectorConfig.EmbeddedApiMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which API the injector uses: the embedded one only when no real one is configured, or when told. */
class ApiServerChoiceTest {

    @TempDir
    static Path emptyHome;
    @TempDir
    static Path homeWithKubeconfig;

    static Stream<Arguments> rows() throws IOException {
        Files.createDirectories(homeWithKubeconfig.resolve(".kube"));
        Files.writeString(homeWithKubeconfig.resolve(".kube/config"), "apiVersion: v1\nkind: Config\n");
        Map<String, String> none = Map.of();
        return Stream.of(
                Arguments.of("a laptop with no kubeconfig and no cluster gets the embedded API", EmbeddedApiMode.auto, none, none, emptyHome, Optional.empty(), true),
                Arguments.of("~/.kube/config means a real cluster", EmbeddedApiMode.auto, none, none, homeWithKubeconfig, Optional.empty(), false),
                Arguments.of("KUBECONFIG means a real cluster", EmbeddedApiMode.auto, Map.of("KUBECONFIG", "/tmp/other-config"), none, emptyHome, Optional.empty(), false),
                Arguments.of("a blank KUBECONFIG counts as unset", EmbeddedApiMode.auto, Map.of("KUBECONFIG", " "), none, emptyHome, Optional.empty(), true),
                Arguments.of("in a cluster (KUBERNETES_SERVICE_HOST) the service account's API is used", EmbeddedApiMode.auto, Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1"), none, emptyHome, Optional.empty(), false),
                Arguments.of("an explicit API server URL is used", EmbeddedApiMode.auto, none, none, emptyHome, Optional.of("https://10.0.0.1:6443"), false),
                Arguments.of("fabric8's kubernetes.master property is used (the test server sets it)", EmbeddedApiMode.auto, none, Map.of("kubernetes.master", "http://localhost:1234"), emptyHome, Optional.empty(), false),
                Arguments.of("KUBERNETES_MASTER is used", EmbeddedApiMode.auto, Map.of("KUBERNETES_MASTER", "https://k8s:6443"), none, emptyHome, Optional.empty(), false),
                Arguments.of("-Dkubeconfig is used", EmbeddedApiMode.auto, none, Map.of("kubeconfig", "/etc/kube.conf"), emptyHome, Optional.empty(), false),
                Arguments.of("always starts the embedded API even next to a kubeconfig", EmbeddedApiMode.always, none, none, homeWithKubeconfig, Optional.empty(), true),
                Arguments.of("never refuses the embedded API even with nothing configured", EmbeddedApiMode.never, none, none, emptyHome, Optional.empty(), false),
                Arguments.of("no home directory and nothing else: embedded", EmbeddedApiMode.auto, none, none, null, Optional.empty(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void choosesTheApi(String behaviour, EmbeddedApiMode mode, Map<String, String> env, Map<String, String> props, Path home,
                       Optional<String> apiServerUrl, boolean embedded) {
        ApiServerChoice choice = ApiServerChoice.decide(mode, apiServerUrl, env::get, props::get, home);

        assertThat(choice.embedded()).as(choice.reason()).isEqualTo(embedded);
        assertThat(choice.reason()).isNotBlank();
    }

    @ParameterizedTest(name = "the log names what was found: {0}")
    @MethodSource("rows")
    void theReasonSaysWhy(String behaviour, EmbeddedApiMode mode, Map<String, String> env, Map<String, String> props, Path home,
                          Optional<String> apiServerUrl, boolean embedded) {
        ApiServerChoice choice = ApiServerChoice.decide(mode, apiServerUrl, env::get, props::get, home);

        if (mode == EmbeddedApiMode.auto && embedded) {
            assertThat(choice.reason()).contains("no Kubernetes API is configured", "INJECTOR_EMBEDDED_API=never");
        } else if (mode == EmbeddedApiMode.auto) {
            assertThat(choice.reason()).containsAnyOf("KUBECONFIG", "kubeconfig", "KUBERNETES_SERVICE_HOST", "api-server-url", "kubernetes.master", "KUBERNETES_MASTER");
        } else {
            assertThat(choice.reason()).contains("injector.embedded-api=" + mode);
        }
    }
}
