package io.pullsecretinjector.secrets.rescue;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pullsecretinjector.rescue.PodState;
import io.pullsecretinjector.testing.Await;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rescue's Pod watch against the mock API server: the field selector it sends, and that it keeps
 * exactly the Pods that wait on an image pull as they come, change and go. Which Pods the real API
 * server sends for that selector is proven in make e2e.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesPodWatchTest {

    KubernetesClient client;
    KubernetesMockServer server;
    KubernetesPodWatch watch;

    @AfterEach
    void stop() {
        watch.stop();
    }

    static Pod pod(String name, String waiting) {
        return new PodBuilder().withNewMetadata().withNamespace("team-a").withName(name).endMetadata()
                .withNewSpec().withNodeName("node-1").addNewContainer().withName("app").withImage("registry.example.com/app:1").endContainer()
                .endSpec()
                .withNewStatus().withPhase("Pending").withContainerStatuses(new ContainerStatusBuilder().withName("app")
                        .withNewState().withNewWaiting().withReason(waiting).endWaiting().endState().build()).endStatus()
                .build();
    }

    @Test
    void theWatchAsksOnlyForPendingPodsBoundToANode() throws Exception {
        watch = new KubernetesPodWatch(client, false);
        watch.start();
        Await.until("the watch has listed", () -> watch.synced());

        RecordedRequest list = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(URLDecoder.decode(list.getPath(), StandardCharsets.UTF_8)).startsWith("/api/v1/pods?")
                .contains("fieldSelector=" + KubernetesPodWatch.fieldSelector(false));
        assertThat(KubernetesPodWatch.fieldSelector(false)).isEqualTo("status.phase=Pending,spec.nodeName!=");
    }

    @Test
    void withRunningPodsItAsksForEveryPodNotFinished() throws Exception {
        watch = new KubernetesPodWatch(client, true);
        watch.start();
        Await.until("the watch has listed", () -> watch.synced());

        RecordedRequest list = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(URLDecoder.decode(list.getPath(), StandardCharsets.UTF_8))
                .contains("fieldSelector=" + KubernetesPodWatch.fieldSelector(true));
    }

    @Test
    void itKeepsOnlyThePodsWaitingOnAPullAsTheyComeChangeAndGo() {
        // the mock API server cannot filter Pods by status.phase, so the watch's events are given here as it delivers them
        watch = new KubernetesPodWatch(client, false);
        watch.seen(pod("listed", "ImagePullBackOff"));
        watch.seen(pod("starting", "ContainerCreating"));
        assertThat(watch.stuck()).extracting(PodState::name).containsExactly("listed");

        watch.seen(pod("starting", "ErrImagePull"));
        assertThat(watch.stuck()).extracting(PodState::name).containsExactlyInAnyOrder("listed", "starting");
        watch.seen(pod("listed", "ContainerCreating"));
        assertThat(watch.stuck()).extracting(PodState::name).containsExactly("starting");
        watch.gone(pod("starting", "ErrImagePull"));
        assertThat(watch.stuck()).isEmpty();
    }

    @Test
    void stoppingForgetsEveryPod() {
        watch = new KubernetesPodWatch(client, false);
        watch.start();
        Await.until("the first list", () -> watch.synced());
        watch.seen(pod("listed", "ImagePullBackOff"));

        watch.stop();

        assertThat(watch.running()).isFalse();
        assertThat(watch.stuck()).isEmpty();
    }

    @Test
    void aWatchTheApiServerRefusesIsStoppedToBeStartedAgain() {
        server.expect().get().withPath("/api/v1/pods?fieldSelector=status.phase%3DPending%2Cspec.nodeName%21%3D&resourceVersion=0")
                .andReturn(403, new io.fabric8.kubernetes.api.model.StatusBuilder().withCode(403).withMessage("pods is forbidden").build())
                .always();
        watch = new KubernetesPodWatch(client, false);

        watch.start();

        Await.until("the failed watch is dropped", () -> !watch.running());
        assertThat(watch.synced()).isFalse();
    }
}
