package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.api.FakeSecretApi;
import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PolicyParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The sync passes with namespace labels: a credential with a selector is pruned or copied by the
 * labels, and left alone where the labels are not known, never pruned on a guess. Each write is an
 * Event regarding the copy.
 */
class SyncNamespaceLabelsTest {

    static final InjectionPolicy POLICY = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            registryCredentials:
              - existingSecret: regcred
                existingSecretNamespace: registry-creds
                targetSecretName: acme-copy
                namespaceSelector: {matchLabels: {tenant: acme}}
                eager: true
                prune: true
            """).policy();

    final FakeSecretApi api = new FakeSecretApi();
    final SyncFixture fx = new SyncFixture();
    final List<String> events = new CopyOnWriteArrayList<>();

    CopySynchronizer synchronizer() {
        CopySynchronizer sync = fx.synchronizer(api, new Pacer(1000, 1000, System::nanoTime), () -> true,
                () -> List.of("acme-1", "globex-1", "unknown-1"), new SimpleMeterRegistry(), Duration.ZERO, api,
                (reason, namespace, name, note) -> events.add(reason + " " + namespace + "/" + name));
        sync.policyChanged(null, POLICY);
        fx.sourceSeen("registry-creds/regcred", SyncGateTest.source());
        return sync;
    }

    @Test
    void copiesFollowTheLabelsAndANamespaceWithUnknownLabelsIsLeftAlone() {
        SourceSecret source = SyncGateTest.source();
        api.namespaceLabels.put("acme-1", Map.of("tenant", "acme"));
        api.namespaceLabels.put("globex-1", Map.of("tenant", "globex"));
        api.watched.addAll(List.of("acme-1", "globex-1"));
        api.put(ManagedCopy.desired(source, "globex-1", "acme-copy"));
        api.put(ManagedCopy.desired(source, "unknown-1", "acme-copy"));

        synchronizer().fullPass();

        assertThat(api.secrets).as("eager where the labels match, pruned where they do not, kept where they are unknown")
                .containsKeys("acme-1/acme-copy", "unknown-1/acme-copy").doesNotContainKey("globex-1/acme-copy");
        assertThat(api.snapshot()).noneMatch(c -> c.contains("unknown-1"));
        assertThat(events).containsExactlyInAnyOrder("CopyCreated acme-1/acme-copy", "CopyDeleted globex-1/acme-copy");
    }

    @Test
    void aFailedWriteIsACopyFailedEvent() {
        api.namespaceLabels.put("acme-1", Map.of("tenant", "acme"));
        api.watched.add("acme-1");
        api.failWith = call -> call.startsWith("create") ? 403 : null;

        synchronizer().namespacePass("acme-1");

        assertThat(events).containsExactly("CopyFailed acme-1/acme-copy");
    }
}
