package io.pullsecretinjector.secrets.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pullsecretinjector.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The source watches: each source the policy names, by name; changes, deletions and a missing source are reported, a refused watch is retried. */
@EnableKubernetesMockClient(crud = true, https = false)
class SourceWatchesTest {

    KubernetesClient client;
    KubernetesMockServer server;

    /** What the watches reported: "ref=token", or "ref=missing". */
    final List<String> seen = new CopyOnWriteArrayList<>();
    SourceWatches watches;

    @AfterEach
    void close() {
        watches.close();
    }

    void start(Set<String> refs) {
        watches = new SourceWatches(client, (ref, s) -> seen.add(ref + "=" + (s == null ? "missing" : s.getData().get("token"))));
        watches.watch(refs);
    }

    Secret put(String name, String token) {
        return client.secrets().inNamespace("registry-creds").resource(new SecretBuilder().withNewMetadata().withName(name)
                .withNamespace("registry-creds").endMetadata().addToData("token", token).build()).createOr(op -> op.update());
    }

    @Test
    void aSourceThatExistsIsReportedThenEachChangeAndItsDeletion() {
        put("regcred", "v1");
        start(Set.of("registry-creds/regcred"));
        Await.until("the source is reported as it is", () -> seen.contains("registry-creds/regcred=v1"));

        put("regcred", "v2");
        Await.until("the change is reported", () -> seen.contains("registry-creds/regcred=v2"));
        client.secrets().inNamespace("registry-creds").withName("regcred").delete();
        Await.until("the deletion is reported", () -> seen.contains("registry-creds/regcred=missing"));
    }

    @Test
    void aSourceMissingAtStartIsReportedMissingAndThenWhenItIsCreated() {
        start(Set.of("registry-creds/later"));
        Await.until("the missing source is reported", () -> seen.contains("registry-creds/later=missing"));

        put("later", "v1");
        Await.until("its creation is reported", () -> seen.contains("registry-creds/later=v1"));
    }

    @Test
    void aWatchRefusedAtItsStartIsTriedAgain() {
        // as right after helm upgrade added a credential: the RBAC for its source is not there yet
        server.expect().get().withPath("/api/v1/namespaces/registry-creds/secrets?fieldSelector=metadata.name%3Dlocked&resourceVersion=0")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").build()).once();
        start(Set.of("registry-creds/locked"));

        Await.until("the watch is tried again and reports the missing source", Duration.ofSeconds(20),
                () -> seen.contains("registry-creds/locked=missing"));
        put("locked", "v1");
        Await.until("the source is watched from then on", () -> seen.contains("registry-creds/locked=v1"));
    }

    @Test
    void onlyTheNamedSourcesAreWatchedAndADroppedOneIsNoLonger() {
        start(Set.of("registry-creds/a", "registry-creds/b"));
        Await.until("both are reported missing", () -> seen.containsAll(List.of("registry-creds/a=missing", "registry-creds/b=missing")));

        watches.watch(Set.of("registry-creds/b"));
        put("a", "not-watched");
        put("other", "not-named");
        put("b", "v1");

        Await.until("the watched one is reported", () -> seen.contains("registry-creds/b=v1"));
        assertThat(watches.watched()).containsExactly("registry-creds/b");
        assertThat(seen).noneMatch(s -> s.startsWith("registry-creds/a=not") || s.startsWith("registry-creds/other"));
    }
}
