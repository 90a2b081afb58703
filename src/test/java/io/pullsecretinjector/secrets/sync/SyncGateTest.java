package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.ContentHash;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PolicyParser;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The leader gate: a replica that does not hold the lease makes no Secret call at all. */
class SyncGateTest {

    final SyncFixture fx = new SyncFixture();

    /** Fails the test on any call. */
    static class NoCalls implements SecretApi {
        @Override
        public Secret get(String namespace, String name) {
            throw new AssertionError("get " + namespace + "/" + name + " by a replica without the lease");
        }

        @Override
        public Secret create(Secret secret) {
            throw new AssertionError("create by a replica without the lease");
        }

        @Override
        public Secret update(Secret secret) {
            throw new AssertionError("update by a replica without the lease");
        }

        @Override
        public boolean delete(Secret secret) {
            throw new AssertionError("delete by a replica without the lease");
        }
    }

    static final InjectionPolicy POLICY = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            registryCredentials:
              - existingSecret: regcred
                existingSecretNamespace: registry-creds
                eager: true
                prune: true
            """).policy();

    static SourceSecret source() {
        Map<String, String> data = Map.of(".dockerconfigjson", "e30=");
        return new SourceSecret("registry-creds", "regcred", "kubernetes.io/dockerconfigjson", data,
                ContentHash.of("kubernetes.io/dockerconfigjson", data), List.of(), null);
    }

    @Test
    void aReplicaWithoutTheLeaseMakesNoCallInAnyPass() {
        CopySynchronizer sync = fx.synchronizer(new NoCalls(), () -> false, () -> List.of("team-a", "team-b"));
        sync.policyChanged(null, POLICY);
        fx.sourceSeen("registry-creds/regcred", source());

        assertThatThrownBy(sync::fullPass).isInstanceOf(CopySynchronizer.Stopped.class);
        assertThatThrownBy(() -> sync.sourcePass("registry-creds/regcred")).isInstanceOf(CopySynchronizer.Stopped.class);
        assertThatThrownBy(() -> sync.namespacePass("team-c")).isInstanceOf(CopySynchronizer.Stopped.class);
    }

    @Test
    void losingTheLeaseBetweenTheReadAndTheWriteStopsBeforeTheWrite() {
        AtomicBoolean leading = new AtomicBoolean(true);
        SecretApi readsThenLoses = new NoCalls() {
            @Override
            public Secret get(String namespace, String name) {
                leading.set(false); // the lease is lost while this GET is in flight
                return null;
            }
        };
        CopySynchronizer sync = fx.synchronizer(readsThenLoses, leading::get, () -> List.of("team-a"));
        sync.policyChanged(null, POLICY);
        fx.sourceSeen("registry-creds/regcred", source());

        assertThatThrownBy(sync::fullPass).isInstanceOf(CopySynchronizer.Stopped.class);
    }

    @Test
    void aCredentialRemovedWithPruneIsRememberedUntilItsCopiesAreGone() {
        CopySynchronizer sync = fx.synchronizer(new NoCalls(), () -> false, List::of);
        sync.policyChanged(null, POLICY);
        InjectionPolicy empty = new PolicyParser().parse("apiVersion: pullsecret-injector.io/v1alpha1\nkind: InjectionPolicy\n").policy();

        sync.policyChanged(POLICY, empty);
        assertThat(sync.retired()).extracting(c -> c.source()).containsExactly("registry-creds/regcred");

        sync.policyChanged(empty, POLICY);
        assertThat(sync.retired()).as("put back before its copies were pruned").isEmpty();
    }
}
