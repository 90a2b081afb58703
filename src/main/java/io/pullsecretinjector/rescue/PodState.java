package io.pullsecretinjector.rescue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.pullsecretinjector.policy.PodFacts;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the rescue knows of one Pod as the API server reports it: who controls it, what it pulls
 * and references, and which of its containers wait on an image pull. Read from the fabric8 model
 * (a watch event); pure.
 *
 * @param namespace       metadata.namespace
 * @param name            metadata.name
 * @param uid             metadata.uid: the eviction names it, so a new Pod of the same name (a StatefulSet's) is never evicted
 * @param resourceVersion the version judged: the eviction is refused if the Pod changed since
 * @param created         metadata.creationTimestamp, or null when it cannot be read
 * @param deleting        metadata.deletionTimestamp is set
 * @param phase           status.phase, or "" when not reported
 * @param nodeName        spec.nodeName, or "" while the Pod is not scheduled
 * @param labels          metadata.labels
 * @param owner           the controller (the ownerReference with {@code controller: true}), or null
 * @param facts           what the policy decision reads of the whole Pod (images, imagePullSecrets, annotations)
 * @param pulling         the containers and init containers that wait on an image pull, in spec order
 */
public record PodState(String namespace, String name, String uid, String resourceVersion, Instant created, boolean deleting,
                       String phase, String nodeName, Map<String, String> labels, Owner owner, PodFacts facts,
                       List<Pulling> pulling) {

    /** The waiting reasons the kubelet reports while it cannot pull a container's image. */
    public static final Set<String> PULL_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull");

    public PodState {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        pulling = List.copyOf(pulling);
    }

    /**
     * The Pod's controller.
     *
     * @param kind the owner's kind (ReplicaSet, StatefulSet, Job, DaemonSet, ...)
     * @param name its name
     * @param uid  its uid: the key of what the rescue remembers of the controller's evictions
     */
    public record Owner(String kind, String name, String uid) {
        @Override
        public String toString() {
            return kind + "/" + name;
        }
    }

    /**
     * One container waiting on an image pull.
     *
     * @param container the container's name
     * @param image     its image as the Pod's spec writes it (what the policy decides on)
     * @param reason    {@code ImagePullBackOff} or {@code ErrImagePull}
     */
    public record Pulling(String container, String image, String reason) {
    }

    /** Reads the Pod; never throws on missing parts, which read as empty. */
    public static PodState of(Pod pod) {
        ObjectMeta meta = pod.getMetadata() == null ? new ObjectMeta() : pod.getMetadata();
        PodSpec spec = pod.getSpec() == null ? new PodSpec() : pod.getSpec();
        PodStatus status = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
        List<PodFacts.ContainerImage> images = new ArrayList<>();
        addImages(images, "initContainers", spec.getInitContainers());
        addImages(images, "containers", spec.getContainers());
        addEphemeralImages(images, spec.getEphemeralContainers());
        List<String> pullSecrets = new ArrayList<>();
        for (LocalObjectReference ref : nullToEmpty(spec.getImagePullSecrets())) {
            pullSecrets.add(ref.getName() == null ? "" : ref.getName());
        }
        Map<String, String> annotations = meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
        PodFacts facts = new PodFacts(text(meta.getName()), text(meta.getGenerateName()), annotations, images, pullSecrets,
                pod.getKind(), text(meta.getNamespace()));
        List<Pulling> pulling = new ArrayList<>();
        addPulling(pulling, images, "initContainers", status.getInitContainerStatuses());
        addPulling(pulling, images, "containers", status.getContainerStatuses());
        return new PodState(text(meta.getNamespace()), text(meta.getName()), text(meta.getUid()), text(meta.getResourceVersion()),
                instant(meta.getCreationTimestamp()), meta.getDeletionTimestamp() != null, text(status.getPhase()),
                text(spec.getNodeName()), meta.getLabels(), owner(meta.getOwnerReferences()), facts, pulling);
    }

    /** True when some container waits on an image pull. */
    public boolean stuckPulling() {
        return !pulling.isEmpty();
    }

    /** The facts of the Pod with only the images it waits on: what the policy gives for those is what could free it. */
    public PodFacts pullingFacts() {
        List<PodFacts.ContainerImage> waiting = new ArrayList<>();
        for (PodFacts.ContainerImage c : facts.images()) {
            if (!"ephemeralContainers".equals(c.field()) && pulling.stream().anyMatch(p -> p.container().equals(c.container()))) {
                waiting.add(c);
            }
        }
        return new PodFacts(facts.name(), facts.generateName(), facts.annotations(), waiting, facts.imagePullSecrets(), facts.kind(),
                facts.namespace());
    }

    /** {@code namespace/name}, for logs. */
    public String ref() {
        return namespace + "/" + name;
    }

    private static void addImages(List<PodFacts.ContainerImage> into, String field, List<Container> containers) {
        List<Container> list = nullToEmpty(containers);
        for (int i = 0; i < list.size(); i++) {
            addImage(into, field, i, list.get(i).getName(), list.get(i).getImage());
        }
    }

    private static void addEphemeralImages(List<PodFacts.ContainerImage> into, List<EphemeralContainer> containers) {
        List<EphemeralContainer> list = nullToEmpty(containers);
        for (int i = 0; i < list.size(); i++) {
            addImage(into, "ephemeralContainers", i, list.get(i).getName(), list.get(i).getImage());
        }
    }

    /** As admission reads a Pod: a container without an image names none. */
    private static void addImage(List<PodFacts.ContainerImage> into, String field, int index, String name, String image) {
        if (image != null && !image.isEmpty()) {
            into.add(new PodFacts.ContainerImage(field, index, text(name), image));
        }
    }

    private static void addPulling(List<Pulling> into, List<PodFacts.ContainerImage> images, String field, List<ContainerStatus> statuses) {
        for (ContainerStatus s : nullToEmpty(statuses)) {
            if (s.getState() == null || s.getState().getWaiting() == null || !PULL_FAILURES.contains(s.getState().getWaiting().getReason())) {
                continue;
            }
            String image = images.stream().filter(c -> c.field().equals(field) && c.container().equals(s.getName()))
                    .map(PodFacts.ContainerImage::image).findFirst().orElse(text(s.getImage()));
            into.add(new Pulling(text(s.getName()), image, s.getState().getWaiting().getReason()));
        }
    }

    private static Owner owner(List<OwnerReference> refs) {
        for (OwnerReference r : nullToEmpty(refs)) {
            if (Boolean.TRUE.equals(r.getController())) {
                return new Owner(text(r.getKind()), text(r.getName()), text(r.getUid()));
            }
        }
        return null;
    }

    private static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
