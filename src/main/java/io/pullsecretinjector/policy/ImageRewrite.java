package io.pullsecretinjector.policy;

import java.util.List;

/**
 * One {@code imageRewrites} rule: images pulled from {@code from} are pulled from {@code to} instead.
 *
 * @param index             position in {@code imageRewrites}, for messages
 * @param from              the registry (and optional path prefix) whose images are rewritten
 * @param to                the mirror prefix, {@code host[:port][/path]}; may contain {@code {registry}}
 * @param excludeNamespaces namespaces this rule never applies in
 */
public record ImageRewrite(int index, RegistryPattern from, String to, List<Glob> excludeNamespaces) {

    /** The placeholder in {@code to} that stands for the image's original registry host. */
    public static final String REGISTRY_PLACEHOLDER = "{registry}";

    public ImageRewrite {
        excludeNamespaces = List.copyOf(excludeNamespaces);
    }

    /**
     * The fixed part of {@code to} that every rewritten image starts with: all of it, or what
     * comes before {@code {registry}}. An image already under it is never rewritten again.
     */
    public String targetPrefix() {
        int p = to.indexOf(REGISTRY_PLACEHOLDER);
        return p < 0 ? to + "/" : to.substring(0, p);
    }

    /** True when the image already pulls from under this rule's target. */
    public boolean isTarget(ImageReference image) {
        String location = image.location();
        return location.startsWith(targetPrefix()) || (!to.contains(REGISTRY_PLACEHOLDER) && location.equals(to));
    }

    /** The field path of this rule, for messages: {@code imageRewrites[0]}. */
    public String path() {
        return "imageRewrites[" + index + "]";
    }
}
