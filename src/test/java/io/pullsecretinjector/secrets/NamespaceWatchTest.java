package io.pullsecretinjector.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pullsecretinjector.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The leader's view of the namespaces: the list a full pass walks, and the namespaces created after it or deleted. */
@EnableKubernetesMockClient(crud = true, https = false)
class NamespaceWatchTest {

    KubernetesClient client;

    final List<String> created = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    NamespaceWatch watch;

    @AfterEach
    void close() {
        watch.close();
    }

    void namespace(String name, boolean terminating) {
        var ns = new NamespaceBuilder().withNewMetadata().withName(name).endMetadata();
        if (terminating) {
            ns.withNewStatus().withPhase("Terminating").endStatus();
        }
        client.namespaces().resource(ns.build()).create();
    }

    NamespaceWatch started() {
        watch = new NamespaceWatch(client, Duration.ofSeconds(10), created::add, deleted::add);
        watch.start();
        return watch;
    }

    @Test
    void theListLeavesOutTerminatingNamespaces() {
        namespace("team-a", false);
        namespace("going", true);

        assertThat(started().active()).containsExactly("team-a");
    }

    @Test
    void onlyNamespacesCreatedAfterTheListAreReportedAsNewNotThoseOfTheFirstList() {
        namespace("team-a", false);
        started().active();

        namespace("team-b", false);

        Await.until("team-b is reported", () -> created.contains("team-b"));
        assertThat(created).containsExactly("team-b");
    }

    @Test
    void aDeletedNamespaceIsReported() {
        namespace("team-a", false);
        started().active();

        client.namespaces().withName("team-a").delete();

        Await.until("the deletion is reported", () -> deleted.contains("team-a"));
    }
}
