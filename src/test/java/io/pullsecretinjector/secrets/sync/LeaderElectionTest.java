package io.pullsecretinjector.secrets.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.pullsecretinjector.testing.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Leader election over a real Lease (fabric8's mock API in CRUD mode): one leader at a time, and a fast takeover on shutdown. */
@EnableKubernetesMockClient(crud = true, https = false)
class LeaderElectionTest {

    KubernetesClient client;

    /** A replica that records whether it leads. */
    final class Replica implements AutoCloseable {
        final AtomicBoolean leading = new AtomicBoolean();
        final LeaderElection election;

        Replica(String identity) {
            election = new LeaderElection(client, "pullsecret-injector", "sync-lease", identity, Duration.ofSeconds(2),
                    () -> leading.set(true), () -> leading.set(false));
        }

        @Override
        public void close() {
            election.close();
        }
    }

    String holder() {
        return client.leases().inNamespace("pullsecret-injector").withName("sync-lease").get().getSpec().getHolderIdentity();
    }

    @Test
    void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("pullsecret-injector").endMetadata().build()).create();
        try (Replica a = new Replica("replica-a"); Replica b = new Replica("replica-b")) {
            a.election.start();
            Await.until("replica-a leads", () -> a.leading.get());
            b.election.start();

            assertThat(holder()).isEqualTo("replica-a");
            assertThat(b.leading.get()).as("one leader at a time").isFalse();

            a.close();
            assertThat(a.leading.get()).as("a replica that stops no longer leads").isFalse();
            Await.until("replica-b takes over", () -> b.leading.get());
            assertThat(holder()).isEqualTo("replica-b");
        }
    }
}
