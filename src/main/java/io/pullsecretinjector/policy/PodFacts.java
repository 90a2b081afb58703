package io.pullsecretinjector.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the decision needs to know of a Pod, read straight from its JSON so the hot path never
 * builds a full model object.
 *
 * @param name              metadata.name, empty for Pods made with generateName
 * @param generateName      metadata.generateName, or empty
 * @param annotations       metadata.annotations
 * @param images            every image of containers, initContainers and ephemeralContainers, in spec order
 * @param imagePullSecrets  the names already in spec.imagePullSecrets, in order ("" for an entry without a name)
 */
public record PodFacts(
        String name,
        String generateName,
        Map<String, String> annotations,
        List<ContainerImage> images,
        List<String> imagePullSecrets) {

    /** The annotation a Pod sets to {@code "false"} to opt out of injection. */
    public static final String INJECT_ANNOTATION = "pullsecret-injector.io/inject";

    /** The three container lists, in the order the kubelet starts them. */
    public static final List<String> CONTAINER_FIELDS = List.of("initContainers", "containers", "ephemeralContainers");

    /**
     * One container's image.
     *
     * @param field the container list ({@code containers}, {@code initContainers}, {@code ephemeralContainers})
     * @param index position in that list
     * @param container the container's name
     * @param image the image as written
     */
    public record ContainerImage(String field, int index, String container, String image) {
    }

    /**
     * Reads a Pod (or a Pod template: anything with {@code metadata} and {@code spec}). Missing parts
     * read as empty; never throws on odd shapes, because the API server has validated the Pod
     * before a webhook sees it.
     */
    public static PodFacts fromJson(JsonNode pod) {
        JsonNode metadata = pod.path("metadata");
        JsonNode spec = pod.path("spec");
        Map<String, String> annotations = Collections.emptyMap();
        JsonNode ann = metadata.path("annotations");
        if (ann.isObject() && ann.size() > 0) {
            annotations = new HashMap<>();
            for (var it = ann.fields(); it.hasNext(); ) {
                var e = it.next();
                annotations.put(e.getKey(), e.getValue().asText());
            }
        }
        List<ContainerImage> images = new ArrayList<>();
        for (String field : CONTAINER_FIELDS) {
            JsonNode list = spec.path(field);
            for (int i = 0; i < list.size(); i++) {
                JsonNode c = list.get(i);
                JsonNode image = c.path("image");
                if (image.isTextual() && !image.asText().isEmpty()) {
                    images.add(new ContainerImage(field, i, c.path("name").asText(""), image.asText()));
                }
            }
        }
        List<String> secrets = new ArrayList<>();
        for (JsonNode ref : spec.path("imagePullSecrets")) {
            secrets.add(ref.path("name").asText(""));
        }
        return new PodFacts(metadata.path("name").asText(""), metadata.path("generateName").asText(""), annotations, images, secrets);
    }

    /** The same Pod with some containers' images replaced (keyed by the original entry). */
    public PodFacts withImages(Map<ContainerImage, String> replaced) {
        if (replaced.isEmpty()) {
            return this;
        }
        List<ContainerImage> out = new ArrayList<>(images.size());
        for (ContainerImage c : images) {
            String image = replaced.get(c);
            out.add(image == null ? c : new ContainerImage(c.field(), c.index(), c.container(), image));
        }
        return new PodFacts(name, generateName, annotations, out, imagePullSecrets);
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

    /** True when the Pod asked not to be touched. */
    public boolean optedOut() {
        return "false".equalsIgnoreCase(annotations.getOrDefault(INJECT_ANNOTATION, "").trim());
    }
}
