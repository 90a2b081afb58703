package io.pullsecretinjector.rescue;

import static io.pullsecretinjector.rescue.StuckPods.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.pullsecretinjector.policy.PodFacts;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A Pod read from a watch is read as admission reads the same Pod from a review, so the two decisions cannot drift apart. */
class PodStateTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Stream<StuckPods.Fixture> pods() {
        return Stream.of(
                pod("team-a", "registry.example.com/app:1"),
                pod("team-a", "quay.io/app:1").init("registry.example.com/migrate:1").sidecar("nginx", null),
                pod("team-a", "registry.example.com/app:1").ephemeral("busybox").pullSecret("regcred").pullSecret("other"),
                pod("team-a", "eu.gcr.io/p/app:2").annotate("pullsecret-injector.io/inject", "false")
                        .annotate("pullsecret-injector.io/rewrite", "false"),
                pod("team-a", "registry.example.com/app:1").bare().owner("Node", "node-1", true).annotate("kubernetes.io/config.mirror", "x"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void aWatchedPodHasTheFactsAdmissionReadsFromTheSamePod(StuckPods.Fixture fixture) {
        Pod pod = fixture.pod();
        pod.setKind("Pod");

        assertThat(PodState.of(pod).facts()).isEqualTo(PodFacts.fromJson(JSON.valueToTree(pod)));
    }

    @Test
    void onlyContainersWaitingOnAPullAreStuckAndTheirImagesAreThoseOfTheSpec() {
        PodState state = pod("team-a", "quay.io/app:1").init("registry.example.com/migrate:1").sidecar("nginx", "ImagePullBackOff").state();

        assertThat(state.pulling()).extracting(PodState.Pulling::container, PodState.Pulling::image, PodState.Pulling::reason)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("migrate", "registry.example.com/migrate:1", "ErrImagePull"),
                        org.assertj.core.groups.Tuple.tuple("sidecar", "nginx", "ImagePullBackOff"));
        assertThat(state.pullingFacts().images()).extracting(PodFacts.ContainerImage::image)
                .containsExactly("registry.example.com/migrate:1", "nginx");
    }

    @Test
    void theControllerIsTheOwnerReferenceMarkedController() {
        PodState state = pod("team-a", "x").owner("Job", "nightly", true).state();

        assertThat(state.owner()).hasToString("Job/nightly");
        assertThat(state.owner().uid()).isEqualTo("uid-nightly");
    }

    @Test
    void aPodWithNothingButAMetadataNameReadsAsEmpty() {
        Pod pod = new Pod();
        pod.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("p").build());

        PodState state = PodState.of(pod);

        assertThat(state.stuckPulling()).isFalse();
        assertThat(state.owner()).isNull();
        assertThat(state.created()).isNull();
        assertThat(state.phase()).isEmpty();
    }
}
