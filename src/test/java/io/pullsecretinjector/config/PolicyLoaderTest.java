package io.pullsecretinjector.config;

import io.pullsecretinjector.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.policy.PolicyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file is re-read when it changes; a bad edit never replaces a good policy. */
class PolicyLoaderTest {

    static final String VALID = """
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            registryCredentials:
              - existingSecret: regcred
                existingSecretNamespace: registry-creds
            """;

    @TempDir
    Path dir;
    final PolicyStore store = new PolicyStore();
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    PolicyLoader loader;

    PolicyLoader start(Path file) {
        loader = new PolicyLoader(store, TestConfigs.with(Map.of("policyFile", file.toString())), null, metrics);
        loader.onStart(null);
        return loader;
    }

    @AfterEach
    void stop() {
        if (loader != null) {
            loader.onStop(null);
        }
    }

    @Test
    void aValidFileIsLoadedAtStart() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), VALID);

        start(file);

        assertThat(store.current().policy().registryCredentials()).hasSize(1);
        assertThat(store.current().origin()).isEqualTo("file " + file);
        assertThat(metrics.get("pullsecret_injector_policy_valid").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void anEditAppliesWithoutARestart() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), VALID);
        start(file);

        Files.writeString(file, VALID + """
                  - existingSecret: other
                    existingSecretNamespace: registry-creds
                """);

        Await.until("the edited policy file is applied", () -> store.current().policy().registryCredentials().size() == 2);
    }

    @Test
    void anInvalidEditIsRefusedAndTheLastGoodPolicyStays() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), VALID);
        start(file);
        PolicyStore.Loaded good = store.current();

        Files.writeString(file, VALID.replace("existingSecretNamespace", "existingSecretNamespce"));

        Await.until("the invalid edit is refused", () -> store.lastRefusal() != null);
        assertThat(store.current()).isSameAs(good);
        assertThat(store.lastRefusal().message()).contains("registryCredentials[0].existingSecretNamespce: is not a known field",
                "registryCredentials[0].existingSecretNamespace: is required");
        assertThat(metrics.get("pullsecret_injector_policy_valid").gauge().value()).isZero();
        assertThat(metrics.get("pullsecret_injector_policy_refused_documents").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void aBadSelectorIsRefusedWithItsFieldPathAndTheLastGoodPolicyStays() throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yaml"), VALID + """
                    namespaceSelector:
                      matchLabels: {team: payments}
                """);
        start(file);
        PolicyStore.Loaded good = store.current();
        assertThat(good.policy().registryCredentials().get(0).namespaceSelector()).hasToString("team=payments");

        Files.writeString(file, VALID + """
                    namespaceSelector:
                      matchExpressions:
                        - {key: team, operator: Exists, values: [payments]}
                """);

        Await.until("the bad selector is refused", () -> store.lastRefusal() != null);
        assertThat(store.current()).isSameAs(good);
        assertThat(store.lastRefusal().message())
                .contains("registryCredentials[0].namespaceSelector.matchExpressions[0].values: must be empty for operator Exists");
    }

    @Test
    void aMissingFileIsReportedAndNothingIsInForce() {
        start(dir.resolve("absent.yaml"));

        assertThat(store.current()).isNull();
        assertThat(store.lastRefusal().message()).contains("does not exist", "INJECTOR_POLICY_FILE");
    }
}
