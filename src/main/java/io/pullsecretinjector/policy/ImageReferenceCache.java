package io.pullsecretinjector.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Parsed image references by the string written in the Pod, because a cluster pulls the same few
 * hundred images over and over: on the warm path a review then costs a map lookup per image
 * instead of a parse and a normalisation. Bounded: when full it is
 * emptied and fills again, and references longer than any real one are parsed every time, so a
 * stream of unusual Pods cannot grow it.
 */
public final class ImageReferenceCache {

    /** An image as parsed, with its {@link ImageReference#normalised()} form computed once. */
    public record Parsed(ImageReference reference, String normalised) {
    }

    /** Distinct references kept by default: more than a large cluster runs. */
    public static final int DEFAULT_CAPACITY = 4096;
    private static final int LONGEST_CACHED = 512;

    private final int capacity;
    private final Map<String, Parsed> parsed = new ConcurrentHashMap<>();

    /** @param capacity how many distinct references are kept before the cache is emptied */
    public ImageReferenceCache(int capacity) {
        this.capacity = capacity;
    }

    /** The reference {@code image} parses to; the same as {@link ImageReference#parse}. */
    public ImageReference reference(String image) {
        return parsed(image).reference();
    }

    /** The parsed reference and its normalised form. */
    public Parsed parsed(String image) {
        Parsed hit = parsed.get(image);
        if (hit != null) {
            return hit;
        }
        ImageReference ref = ImageReference.parse(image);
        Parsed p = new Parsed(ref, ref.normalised());
        if (image.length() <= LONGEST_CACHED) {
            if (parsed.size() >= capacity) {
                parsed.clear();
            }
            parsed.put(image, p);
        }
        return p;
    }
}
