package io.pullsecretinjector.secrets.watch;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pullsecretinjector.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replica's one namespace watch: the list a full pass walks, the namespaces created after it,
 * deleted or relabelled, and the labels admission reads from memory.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class NamespaceWatchTest {

    KubernetesClient client;

    final List<String> created = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    final List<String> relabelled = new CopyOnWriteArrayList<>();
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
        watch = new NamespaceWatch(client, Duration.ofSeconds(10));
        watch.listen(new NamespaceWatch.Listener() {
            @Override
            public void created(String namespace) {
                created.add(namespace);
            }

            @Override
            public void deleted(String namespace) {
                deleted.add(namespace);
            }

            @Override
            public void relabelled(String namespace, Map<String, String> before, Map<String, String> after) {
                relabelled.add(namespace + " " + before + " -> " + after);
            }
        });
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

    @Test
    void aRelabelledNamespaceIsReportedWithItsLabelsBeforeAndAfterAndOtherUpdatesAreNot() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").addToLabels("team", "payments")
                .endMetadata().build()).create();
        started().active();

        client.namespaces().withName("team-a").edit(n -> new NamespaceBuilder(n).editMetadata().addToAnnotations("note", "x").endMetadata().build());
        client.namespaces().withName("team-a").edit(n -> new NamespaceBuilder(n).editMetadata().addToLabels("team", "search").endMetadata().build());

        Await.until("the relabel is reported", () -> !relabelled.isEmpty());
        assertThat(relabelled).containsExactly("team-a {team=payments} -> {team=search}");
        assertThat(watch.cached("team-a")).isEqualTo(Map.of("team", "search"));
    }

    @Test
    void labelsAreInMemoryOnceDeliveredAndReadOnceOtherwise() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").addToLabels("tenant", "acme")
                .endMetadata().build()).create();
        watch = new NamespaceWatch(client, Duration.ofSeconds(10));

        assertThat(watch.cached("team-a")).as("not delivered before the watch runs").isNull();
        assertThat(watch.read("team-a")).isEqualTo(Map.of("tenant", "acme"));
        assertThat(watch.read("nowhere")).isNull();

        watch.startInBackground();
        Await.until("the watch delivers team-a", () -> watch.cached("team-a") != null);
        assertThat(watch.cached("team-a")).isEqualTo(Map.of("tenant", "acme"));
    }
}
