package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Leader election hand-over, and Pods that keep flowing when the injector is down or hung. */
@ExtendWith(Suite.class)
@Order(3)
class AvailabilityE2eTest {

    /** The chart's default INJECTOR_LEADER_LEASE_DURATION. */
    private static final Duration LEASE_DURATION = Duration.ofSeconds(15);
    /** The chart's webhook.timeoutSeconds in this suite. */
    private static final Duration WEBHOOK_TIMEOUT = Duration.ofSeconds(5);

    private final KubernetesClient admin = Cluster.admin();

    @AfterEach
    void injectorServesAgain() {
        Suite.ensureServing();
    }

    @Test
    @DisplayName("7. two replicas: the Lease holder is killed (SIGKILL) and the other leads and syncs within the lease duration plus 10 s")
    void leaderHandover() {
        InjectorProcess a = Suite.ensureServing();
        InjectorProcess b = Suite.startExtraReplica("replica-b");
        try {
            Eventually.that("one replica holds the Lease " + Suite.LEASE, Duration.ofSeconds(30), () -> holder() != null);
            String leader = holder();
            assertThat(leader).isIn(a.identity, b.identity);
            InjectorProcess killed = leader.equals(a.identity) ? a : b;
            InjectorProcess survivor = killed == a ? b : a;
            String ns = Cluster.newNamespace("handover");
            Cluster.awaitDefaultServiceAccounts(List.of(ns));
            Cluster.createPod(ns, "app", "registry.example.com/team/app:1");

            killed.kill();
            Map<String, String> rotated = Cluster.rotate("regcred", "registry.example.com");

            Duration took = Eventually.that(survivor.identity + " leads and brings the copy in " + ns + " up to date",
                    LEASE_DURATION.plusSeconds(10),
                    () -> survivor.identity.equals(holder())
                            && rotated.equals(admin.secrets().inNamespace(ns).withName("regcred").get().getData()));
            System.out.printf("    %s took over and synced %d ms after %s was killed%n", survivor.identity, took.toMillis(), killed.identity);
            assertThat(survivor.metric("pullsecret_injector_leader")).isEqualTo(1.0);
        } finally {
            Suite.ensureServing();
            b.close();
        }
    }

    @Test
    @DisplayName("8. the injector hung, then stopped: Pods are still created, within the webhook's timeoutSeconds, without injection")
    void failOpen() throws Exception {
        String ns = Cluster.newNamespace("failopen");
        Cluster.awaitDefaultServiceAccounts(List.of(ns));
        InjectorProcess injector = Suite.ensureServing();

        signal("STOP", injector); // hung: the connection is accepted by the kernel, nothing answers
        Cluster.Run hung;
        try {
            hung = Cluster.kubectl(PodAdmissionE2eTest.pod("while-hung", "registry.example.com/team/app:1"), "-n", ns, "create", "-f", "-");
        } finally {
            injector.kill();
        }
        Cluster.Run stopped = Cluster.kubectl(PodAdmissionE2eTest.pod("while-stopped", "registry.example.com/team/app:1"),
                "-n", ns, "create", "-f", "-");

        System.out.printf("    Pod created in %d ms with the injector hung, %d ms with it stopped%n",
                hung.took().toMillis(), stopped.took().toMillis());
        for (Cluster.Run run : List.of(hung.assertOk(), stopped.assertOk())) {
            assertThat(run.took()).isLessThan(WEBHOOK_TIMEOUT.plusSeconds(3));
        }
        for (String name : List.of("while-hung", "while-stopped")) {
            Pod stored = admin.pods().inNamespace(ns).withName(name).get();
            assertThat(stored).as(name).isNotNull();
            assertThat(stored.getSpec().getImagePullSecrets()).as(name).isNullOrEmpty();
        }
    }

    private String holder() {
        Lease lease = admin.resources(Lease.class).inNamespace(Suite.NAMESPACE).withName(Suite.LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static void signal(String signal, InjectorProcess injector) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(injector.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
