package io.pullsecretinjector.rescue;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Pods as the API server stores them after the kubelet reported on them, for the rescue's tests: a
 * ReplicaSet's Pod bound to a node, in phase Pending, by default without pull secrets.
 */
final class StuckPods {

    static final Instant CREATED = Instant.parse("2026-12-07T10:00:00Z");

    private StuckPods() {
    }

    /** A fluent Pod for one row. */
    static final class Fixture {
        private final PodBuilder pod;
        private final List<ContainerStatus> statuses = new ArrayList<>();
        private final List<ContainerStatus> initStatuses = new ArrayList<>();
        private String phase = "Pending";

        Fixture(String namespace, String image) {
            pod = new PodBuilder().withNewMetadata().withNamespace(namespace).withName("web-7d9f-abcde").withGenerateName("web-7d9f-")
                    .withUid("uid-web-1").withResourceVersion("41").withCreationTimestamp(CREATED.toString())
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-7d9f").withUid("uid-rs")
                    .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
                    .endMetadata()
                    .withNewSpec().withNodeName("node-1").addNewContainer().withName("app").withImage(image).endContainer().endSpec();
            statuses.add(waiting("app", image, "ImagePullBackOff"));
        }

        Fixture waitingAs(String reason) {
            statuses.set(0, waiting("app", statuses.get(0).getImage(), reason));
            return this;
        }

        Fixture sidecar(String image, String reason) {
            pod.editSpec().addNewContainer().withName("sidecar").withImage(image).endContainer().endSpec();
            statuses.add(reason == null ? running("sidecar", image) : waiting("sidecar", image, reason));
            return this;
        }

        Fixture init(String image) {
            pod.editSpec().addNewInitContainer().withName("migrate").withImage(image).endInitContainer().endSpec();
            initStatuses.add(waiting("migrate", image, "ErrImagePull"));
            statuses.set(0, waiting("app", statuses.get(0).getImage(), "PodInitializing"));
            return this;
        }

        Fixture ephemeral(String image) {
            pod.editSpec().addNewEphemeralContainer().withName("debug").withImage(image).endEphemeralContainer().endSpec();
            return this;
        }

        Fixture pullSecret(String name) {
            pod.editSpec().addNewImagePullSecret(name).endSpec();
            return this;
        }

        Fixture owner(String kind, String name, boolean controller) {
            pod.editMetadata().withOwnerReferences().addNewOwnerReference().withApiVersion("v1").withKind(kind).withName(name)
                    .withUid("uid-" + name).withController(controller).endOwnerReference().endMetadata();
            return this;
        }

        Fixture bare() {
            pod.editMetadata().withOwnerReferences().endMetadata();
            return this;
        }

        Fixture label(String key, String value) {
            pod.editMetadata().addToLabels(key, value).endMetadata();
            return this;
        }

        Fixture annotate(String key, String value) {
            pod.editMetadata().addToAnnotations(key, value).endMetadata();
            return this;
        }

        Fixture deleting() {
            pod.editMetadata().withDeletionTimestamp(CREATED.plusSeconds(600).toString()).endMetadata();
            return this;
        }

        Fixture unscheduled() {
            pod.editSpec().withNodeName(null).endSpec();
            return this;
        }

        Fixture phase(String phase) {
            this.phase = phase;
            return this;
        }

        /** A container that ran, exited, and now cannot pull its image for the restart: phase Running. */
        Fixture restartedAndStuck() {
            ContainerStatus s = statuses.get(0);
            s.setLastState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder().withNewTerminated().withExitCode(137)
                    .withReason("Error").endTerminated().build());
            s.setRestartCount(1);
            phase = "Running";
            return this;
        }

        Fixture notWaiting(String reason) {
            statuses.set(0, waiting("app", statuses.get(0).getImage(), reason));
            return this;
        }

        Fixture created(Instant at) {
            pod.editMetadata().withCreationTimestamp(at.toString()).endMetadata();
            return this;
        }

        Pod pod() {
            return new PodBuilder(pod.build()).withNewStatus().withPhase(phase).withContainerStatuses(statuses)
                    .withInitContainerStatuses(initStatuses).endStatus().build();
        }

        PodState state() {
            return PodState.of(pod());
        }

        @Override
        public String toString() {
            return PodState.of(pod()).ref();
        }
    }

    static Fixture pod(String namespace, String image) {
        return new Fixture(namespace, image);
    }

    static ContainerStatus waiting(String name, String image, String reason) {
        return new ContainerStatusBuilder().withName(name).withImage(image).withReady(false).withRestartCount(0)
                .withNewState().withNewWaiting().withReason(reason).withMessage("Back-off pulling image \"" + image + "\"").endWaiting()
                .endState().build();
    }

    static ContainerStatus running(String name, String image) {
        return new ContainerStatusBuilder().withName(name).withImage(image).withReady(true).withRestartCount(0)
                .withNewState().withNewRunning().withStartedAt(CREATED.plusSeconds(5).toString()).endRunning().endState().build();
    }
}
