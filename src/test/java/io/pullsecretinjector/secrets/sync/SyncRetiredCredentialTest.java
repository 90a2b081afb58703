package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PolicyParser;
import io.pullsecretinjector.policy.RegistryCredential;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Pruning a credential removed from the policy when the upgrade that removed it also took away the
 * grant on its copy name (the chart's rbac.retiredSecretNames exists to prevent that): the
 * credential stays retired and is retried by every full pass, and once the name is granted again
 * its copies go and it is forgotten. A real API server's RBAC is proven in make e2e.
 */
class SyncRetiredCredentialTest {

    /** Secrets in memory; names in {@code forbidden} answer 403 as RBAC without a grant does. */
    static final class Store implements SecretApi {
        final Map<String, Secret> secrets = new TreeMap<>();
        boolean forbidden = true;

        @Override
        public Secret get(String namespace, String name) {
            check(name);
            return secrets.get(namespace + "/" + name);
        }

        @Override
        public Secret create(Secret secret) {
            secrets.put(secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName(), secret);
            return secret;
        }

        @Override
        public Secret update(Secret secret) {
            return create(secret);
        }

        @Override
        public boolean delete(Secret secret) {
            check(secret.getMetadata().getName());
            return secrets.remove(secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName()) != null;
        }

        private void check(String name) {
            if (forbidden && name.equals("old-copy")) {
                throw new KubernetesClientException(new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("secrets \"old-copy\" is forbidden").build());
            }
        }
    }

    static InjectionPolicy policy(String credentials) {
        return new PolicyParser().parse("""
                apiVersion: pullsecret-injector.io/v1alpha1
                kind: InjectionPolicy
                registryCredentials:
                """ + credentials).policy();
    }

    static final String KEPT = """
              - existingSecret: regcred
                existingSecretNamespace: registry-creds
            """;
    static final String OLD = """
              - existingSecret: old
                existingSecretNamespace: registry-creds
                targetSecretName: old-copy
                prune: true
            """;

    @Test
    void aRetiredCredentialWithoutTheGrantIsRetriedAndItsCopiesGoOnceTheGrantIsBack() {
        Store store = new Store();
        InjectionPolicy before = policy(KEPT + OLD);
        InjectionPolicy after = policy(KEPT);
        SourceSecret old = SyncGateTest.source();
        old = new SourceSecret("registry-creds", "old", old.type(), old.data(), old.hash(), old.registries(), old.registriesProblem());
        store.create(ManagedCopy.desired(old, "team-a", "old-copy"));
        store.create(ManagedCopy.desired(old, "team-b", "old-copy"));
        CopySynchronizer sync = new SyncFixture().synchronizer(store, () -> true, () -> List.of("team-a", "team-b"));
        sync.policyChanged(null, before);
        sync.policyChanged(before, after);
        assertThat(sync.retired()).extracting(RegistryCredential::targetSecretName).containsExactly("old-copy");

        // the upgrade removed the grant with the credential: every namespace answers 403
        assertThat(sync.fullPass().failed()).isEqualTo(2);
        assertThat(sync.fullPass().failed()).as("retried by the next pass, not forgotten").isEqualTo(2);
        assertThat(sync.retired()).hasSize(1);
        assertThat(store.secrets).containsKeys("team-a/old-copy", "team-b/old-copy");

        // rbac.retiredSecretNames grants get and delete on the name again
        store.forbidden = false;
        SyncResult pass = sync.fullPass();
        assertThat(pass.failed()).isZero();
        assertThat(pass.written()).isEqualTo(2);
        assertThat(store.secrets).doesNotContainKeys("team-a/old-copy", "team-b/old-copy");
        assertThat(sync.retired()).as("every copy is gone, so the name can leave rbac.retiredSecretNames").isEmpty();
    }
}
