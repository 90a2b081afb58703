package io.pullsecretinjector.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the decision needs to know of a Pod, read straight from its JSON (streaming, on the hot
 * path) so no tree or model object is built for it.
 *
 * @param name              metadata.name, empty for Pods made with generateName
 * @param generateName      metadata.generateName, or empty
 * @param annotations       metadata.annotations
 * @param images            every image the kubelet pulls for the Pod: those of initContainers, containers and
 *                          ephemeralContainers, then the image volumes ({@code spec.volumes[].image.reference}), in spec order
 * @param imagePullSecrets  the names already in spec.imagePullSecrets, in order ("" for an entry without a name)
 * @param kind              the object's kind as written, or null when it has none (the API server's objects do)
 * @param namespace         metadata.namespace, or empty (the review's namespace is the one to trust)
 */
public record PodFacts(
        String name,
        String generateName,
        Map<String, String> annotations,
        List<ContainerImage> images,
        List<String> imagePullSecrets,
        String kind,
        String namespace) {

    /** The annotation a Pod sets to {@code "false"} to opt out of injection. */
    public static final String INJECT_ANNOTATION = "pullsecret-injector.io/inject";

    /**
     * The annotation the kubelet puts on the mirror Pod it creates in the API server for a static
     * Pod. The API server refuses a mirror Pod that references any Secret, and a mirror Pod that
     * differs from its static Pod's manifest would no longer describe what the node runs.
     */
    public static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

    /** The three container lists, in the order the kubelet starts them. */
    public static final List<String> CONTAINER_FIELDS = List.of("initContainers", "containers", "ephemeralContainers");

    /** The field of {@code spec} whose entries may be image volumes ({@code image.reference}). */
    public static final String VOLUMES = "volumes";

    /**
     * One image the Pod pulls: a container's image, or an image volume's reference (which the
     * kubelet pulls with the Pod's imagePullSecrets, as it pulls a container's image).
     *
     * @param field     the list it is in: {@code initContainers}, {@code containers}, {@code ephemeralContainers}, or {@code volumes}
     * @param index     position in that list (for a volume, among all of the Pod's volumes)
     * @param container the container's name, or the volume's name for an image volume
     * @param image     the image as written
     */
    public record ContainerImage(String field, int index, String container, String image) {

        /** True for an image volume. */
        public boolean isVolume() {
            return VOLUMES.equals(field);
        }

        /** Where the image is written, as a field path: {@code spec.containers[0].image}, {@code spec.volumes[1].image.reference}. */
        public String path() {
            return "spec." + field + "[" + index + "]" + (isVolume() ? ".image.reference" : ".image");
        }

        /** The same place as a JSON Pointer, for a patch: {@code /spec/volumes/1/image/reference}. */
        public String pointer() {
            return "/spec/" + field + "/" + index + (isVolume() ? "/image/reference" : "/image");
        }

        /** What a person calls it: {@code container app}, {@code image volume models}. */
        public String describe() {
            return (isVolume() ? "image volume " : "container ") + container;
        }
    }

    /**
     * Reads a Pod (or a Pod template: anything with {@code metadata} and {@code spec}) from a tree:
     * the CLI's path, through the same reader as {@link #read(JsonParser)}.
     */
    public static PodFacts fromJson(JsonNode pod) {
        if (!pod.isObject()) {
            return new PodFacts("", "", Collections.emptyMap(), List.of(), List.of(), null, "");
        }
        try (JsonParser p = pod.traverse()) {
            p.nextToken();
            return read(p);
        } catch (IOException e) {
            throw new UncheckedIOException("a tree in memory always reads", e);
        }
    }

    /**
     * Reads the object the parser is on, streaming, without building a tree: the webhook's hot
     * path. Reads the whole object (the parser ends on its last token). Missing parts read as
     * empty; never throws on odd shapes, because the API server has validated the Pod before a
     * webhook sees it; throws only for JSON that is not well formed.
     */
    public static PodFacts read(JsonParser p) throws IOException {
        Reading r = new Reading();
        JsonValues.fields(p, (field, v) -> {
            switch (field) {
                case "kind" -> r.kind = JsonValues.text(v);
                case "metadata" -> r.readMetadata(v);
                case "spec" -> r.readSpec(v);
                default -> {
                }
            }
        });
        List<ContainerImage> images = new ArrayList<>();
        for (String field : CONTAINER_FIELDS) {
            images.addAll(r.containers.getOrDefault(field, List.of()));
        }
        images.addAll(r.containers.getOrDefault(VOLUMES, List.of()));
        return new PodFacts(r.name, r.generateName, r.annotations, images, r.imagePullSecrets, r.kind, r.namespace);
    }

    /** What {@link #read(JsonParser)} has seen so far; a field seen twice counts as its last value, as in a tree. */
    private static final class Reading {
        String kind;
        String namespace = "";
        String name = "";
        String generateName = "";
        Map<String, String> annotations = Collections.emptyMap();
        final Map<String, List<ContainerImage>> containers = new HashMap<>(4);
        List<String> imagePullSecrets = List.of();

        void readMetadata(JsonParser p) throws IOException {
            namespace = "";
            name = "";
            generateName = "";
            annotations = Collections.emptyMap();
            JsonValues.fields(p, (field, v) -> {
                switch (field) {
                    case "name" -> name = JsonValues.text(v);
                    case "generateName" -> generateName = JsonValues.text(v);
                    case "namespace" -> namespace = JsonValues.text(v);
                    case "annotations" -> readAnnotations(v);
                    default -> {
                    }
                }
            });
        }

        void readAnnotations(JsonParser p) throws IOException {
            Map<String, String> read = new HashMap<>();
            JsonValues.fields(p, (key, v) -> read.put(key, JsonValues.text(v)));
            annotations = read.isEmpty() ? Collections.emptyMap() : read;
        }

        void readSpec(JsonParser p) throws IOException {
            containers.clear();
            imagePullSecrets = List.of();
            JsonValues.fields(p, (field, v) -> {
                if (CONTAINER_FIELDS.contains(field)) {
                    List<ContainerImage> list = new ArrayList<>();
                    JsonValues.elements(v, (i, c) -> readContainer(field, i, c, list));
                    containers.put(field, list);
                } else if (VOLUMES.equals(field)) {
                    List<ContainerImage> list = new ArrayList<>();
                    JsonValues.elements(v, (i, volume) -> readVolume(i, volume, list));
                    containers.put(field, list);
                } else if ("imagePullSecrets".equals(field)) {
                    List<String> names = new ArrayList<>();
                    // an entry without a name, or one that is not an object, reads as ""
                    JsonValues.elements(v, (i, ref) -> names.add(JsonValues.field(ref, "name")));
                    imagePullSecrets = names;
                }
            });
        }

        static void readContainer(String field, int index, JsonParser p, List<ContainerImage> into) throws IOException {
            String[] nameAndImage = {"", null};
            JsonValues.fields(p, (key, v) -> {
                switch (key) {
                    case "name" -> nameAndImage[0] = JsonValues.text(v);
                    case "image" -> nameAndImage[1] = JsonValues.string(v);
                    default -> {
                    }
                }
            });
            if (nameAndImage[1] != null && !nameAndImage[1].isEmpty()) {
                into.add(new ContainerImage(field, index, nameAndImage[0], nameAndImage[1]));
            }
        }

        /** An image volume: {@code {"name": ..., "image": {"reference": ..., "pullPolicy": ...}}}; other volumes are passed over. */
        static void readVolume(int index, JsonParser p, List<ContainerImage> into) throws IOException {
            String[] nameAndReference = {"", null};
            JsonValues.fields(p, (key, v) -> {
                switch (key) {
                    case "name" -> nameAndReference[0] = JsonValues.text(v);
                    case "image" -> JsonValues.fields(v, (imageKey, r) -> {
                        if ("reference".equals(imageKey)) {
                            nameAndReference[1] = JsonValues.string(r);
                        }
                    });
                    default -> {
                    }
                }
            });
            if (nameAndReference[1] != null && !nameAndReference[1].isEmpty()) {
                into.add(new ContainerImage(VOLUMES, index, nameAndReference[0], nameAndReference[1]));
            }
        }
    }

    /** The same Pod with some images replaced (keyed by the original entry). */
    public PodFacts withImages(Map<ContainerImage, String> replaced) {
        if (replaced.isEmpty()) {
            return this;
        }
        List<ContainerImage> out = new ArrayList<>(images.size());
        for (ContainerImage c : images) {
            String image = replaced.get(c);
            out.add(image == null ? c : new ContainerImage(c.field(), c.index(), c.container(), image));
        }
        return new PodFacts(name, generateName, annotations, out, imagePullSecrets, kind, namespace);
    }

    /** True when the Pod asked to keep its images as written. */
    public boolean rewriteOptedOut() {
        return "false".equalsIgnoreCase(annotations.getOrDefault(InjectionPolicy.REWRITE_ANNOTATION, "").trim());
    }

    /** The name to show in logs and messages: the name, else {@code generateName*}, else {@code (unnamed)}. */
    public String displayName() {
        return displayName(name, generateName);
    }

    /** See {@link #displayName()}; for callers that hold only the two metadata fields. */
    public static String displayName(String name, String generateName) {
        if (!name.isEmpty()) {
            return name;
        }
        return generateName.isEmpty() ? "(unnamed)" : generateName + "*";
    }

    /** True for a mirror Pod (a static Pod as the kubelet shows it to the API server). */
    public boolean mirror() {
        return annotations.containsKey(MIRROR_ANNOTATION);
    }

    /** True when the Pod asked not to be touched. */
    public boolean optedOut() {
        return "false".equalsIgnoreCase(annotations.getOrDefault(INJECT_ANNOTATION, "").trim());
    }
}
