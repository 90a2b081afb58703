package io.pullsecretinjector.policy;

import java.util.List;

/**
 * Applies {@code imageRewrites} to one image reference: the first rule whose {@code from} matches
 * wins; tag and digest are kept exactly as written; an image already under any rule's target is
 * left alone, so a reinvoked webhook never rewrites twice. Pure.
 */
public final class ImageRewriter {

    private ImageRewriter() {
    }

    /**
     * A rewrite of one image.
     *
     * @param rule  the rule that matched
     * @param image the new reference
     */
    public record Result(ImageRewrite rule, String image) {
    }

    /** The rewrite for {@code image} in {@code namespace}, or null when it stays as it is. */
    public static Result rewrite(List<ImageRewrite> rules, String namespace, String image) {
        return rules.isEmpty() ? null : rewrite(rules, namespace, ImageReference.parse(image));
    }

    /** The same, for an image the caller has already parsed. */
    public static Result rewrite(List<ImageRewrite> rules, String namespace, ImageReference ref) {
        for (ImageRewrite rule : rules) {
            if (rule.isTarget(ref)) {
                return null;
            }
        }
        for (ImageRewrite rule : rules) {
            if (!rule.from().matches(ref) || Glob.anyMatch(rule.excludeNamespaces(), namespace)) {
                continue;
            }
            return new Result(rule, target(rule, ref));
        }
        return null;
    }

    private static String target(ImageRewrite rule, ImageReference ref) {
        String prefix = rule.to().replace(ImageRewrite.REGISTRY_PLACEHOLDER, ref.registry().replace(':', '_'));
        String path = rule.from().pathPrefix();
        String rest = ref.repository();
        if (!path.isEmpty()) {
            rest = rest.equals(path) ? "" : rest.substring(path.length() + 1);
        }
        StringBuilder sb = new StringBuilder(prefix.length() + rest.length() + 80).append(prefix);
        if (!rest.isEmpty()) {
            sb.append('/').append(rest);
        }
        if (ref.tag() != null) {
            sb.append(':').append(ref.tag());
        }
        if (ref.digest() != null) {
            sb.append('@').append(ref.digest());
        }
        return sb.toString();
    }
}
