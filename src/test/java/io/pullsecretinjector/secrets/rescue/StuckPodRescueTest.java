package io.pullsecretinjector.secrets.rescue;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.testing.Await;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The rescue as the application wires it, from its {@code injector.rescue.*} settings: the leader
 * lists the Pods that can be stuck with its field selector, evicts a stuck one through the Eviction
 * API, records an Event regarding it and counts it. The mock API server cannot filter Pods by
 * {@code status.phase}, so the list answer is given here.
 */
@QuarkusTest
@TestProfile(StuckPodRescueTest.RescueOn.class)
@WithKubernetesTestServer(crud = true, setup = StuckPodRescueTest.StuckPod.class)
class StuckPodRescueTest {

    /** The rescue on, on a replica that leads without an election, with no grace period. */
    public static class RescueOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "injector.sync", "true",
                    "injector.leader-election", "false",
                    "injector.rescue.enabled", "true",
                    "injector.rescue.grace-period", "0s",
                    "injector.rescue.evictions-per-minute", "600");
        }
    }

    /** What the API server holds before the application starts, so the leader's first pass finds the stuck Pod. */
    public static class StuckPod implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            KubernetesClient admin = server.getClient();
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("team-a").endMetadata().build()).create();
            admin.secrets().resource(new SecretBuilder().withNewMetadata().withNamespace("registry-creds").withName("regcred").endMetadata()
                    .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", "e30=").build()).create();
            Pod stuck = new PodBuilder().withNewMetadata().withNamespace("team-a").withName("web-1").withUid("uid-web-1")
                    .withResourceVersion("99").withCreationTimestamp("2026-12-07T10:00:00Z")
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web").withUid("uid-web")
                    .withController(true).endOwnerReference().endMetadata()
                    .withNewSpec().withNodeName("node-1").addNewContainer().withName("app").withImage("registry.example.com/app:1")
                    .endContainer().endSpec()
                    .withNewStatus().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder().withName("app")
                            .withNewState().withNewWaiting().withReason("ImagePullBackOff").endWaiting().endState().build()).endStatus()
                    .build();
            server.expect().get().withPath(LIST)
                    .andReturn(200, new PodListBuilder().withNewMetadata().withResourceVersion("100").endMetadata().addToItems(stuck).build())
                    .always();
            server.expect().post().withPath(EVICTION).andReturn(201, new StatusBuilder().withStatus("Success").build()).once();
        }
    }

    static final String LIST = "/api/v1/pods?fieldSelector=status.phase%3DPending%2Cspec.nodeName%21%3D&resourceVersion=0";
    static final String EVICTION = "/api/v1/namespaces/team-a/pods/web-1/eviction";

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry metrics;

    @Test
    void theLeaderEvictsAStuckPodOfAReplicaSetAndRecordsAnEventRegardingIt() throws InterruptedException {
        Await.until("the Pod is evicted", Duration.ofSeconds(30),
                () -> metrics.get("pullsecret_injector_rescue_evictions").tag("outcome", "evicted").counter().count() == 1.0);

        List<String> calls = new ArrayList<>();
        // the requests made so far (the watch keeps making more in the background)
        for (int i = server.getKubernetesMockServer().getRequestCount(); i > 0; i--) {
            RecordedRequest r = server.getKubernetesMockServer().takeRequest(1, TimeUnit.SECONDS);
            calls.add(r.getMethod() + " " + r.getPath());
        }
        assertThat(calls).contains("GET " + LIST, "POST " + EVICTION);
        assertThat(calls).filteredOn(c -> c.contains("/pods")).allMatch(c -> c.equals("GET " + LIST) || c.equals("POST " + EVICTION)
                || c.startsWith("GET /api/v1/pods?allowWatchBookmarks=true&fieldSelector=status.phase%3DPending%2Cspec.nodeName%21%3D"));
        Await.until("the Event regarding the Pod", () -> !client.events().v1().events().inNamespace("team-a").list().getItems().isEmpty());
        Event event = client.events().v1().events().inNamespace("team-a").list().getItems().get(0);
        assertThat(event.getReason()).isEqualTo("StuckPodEvicted");
        assertThat(event.getType()).isEqualTo("Normal");
        assertThat(event.getRegarding().getKind()).isEqualTo("Pod");
        assertThat(event.getRegarding().getName()).isEqualTo("web-1");
        assertThat(event.getRegarding().getUid()).isEqualTo("uid-web-1");
        assertThat(event.getNote()).contains("lacks pull secret private-regcred", "ReplicaSet/web recreates it");
    }
}
