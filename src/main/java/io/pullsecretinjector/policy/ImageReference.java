package io.pullsecretinjector.policy;

import java.util.Locale;

/**
 * A container image reference split the way the container runtime reads it, with Docker Hub's
 * aliases folded into {@code docker.io} and its official images under {@code library/}.
 *
 * @param original   the reference exactly as written in the Pod
 * @param registry   lower-case host, with {@code :port} when one was given
 * @param repository path inside the registry, never empty
 * @param tag        the tag, or null
 * @param digest     the digest ({@code sha256:...}), or null
 */
public record ImageReference(String original, String registry, String repository, String tag, String digest) {

    /** The registry Docker Hub images live in after normalisation. */
    public static final String DOCKER_HUB = "docker.io";

    /**
     * Parses an image reference. Never throws: a reference the runtime would reject still gets a
     * best-effort reading, because the webhook must answer for every Pod and the kubelet reports
     * the bad reference to the user anyway.
     */
    public static ImageReference parse(String image) {
        String rest = image.trim();
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastSlash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry;
        String repository;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? "" : rest.substring(0, slash);
        if (slash >= 0 && looksLikeHost(first)) {
            registry = normaliseHost(first);
            repository = rest.substring(slash + 1);
        } else {
            registry = DOCKER_HUB;
            repository = rest;
        }
        if (DOCKER_HUB.equals(registry) && repository.indexOf('/') < 0) {
            repository = "library/" + repository;
        }
        return new ImageReference(image, registry, repository, emptyToNull(tag), emptyToNull(digest));
    }

    /**
     * The fully qualified form: {@code registry/repository[:tag][@digest]}, with {@code :latest}
     * only when the reference had neither tag nor digest (that is what the runtime pulls).
     */
    public String normalised() {
        StringBuilder sb = new StringBuilder(registry.length() + repository.length() + 32);
        sb.append(registry).append('/').append(repository);
        if (tag != null) {
            sb.append(':').append(tag);
        } else if (digest == null) {
            sb.append(":latest");
        }
        if (digest != null) {
            sb.append('@').append(digest);
        }
        return sb.toString();
    }

    /** {@code registry/repository}, the part registry rules and path prefixes are matched against. */
    public String location() {
        return registry + "/" + repository;
    }

    /** The runtime's rule: a first component is a host when it has a dot, a port, is localhost, or has upper case. */
    static boolean looksLikeHost(String component) {
        if (component.isEmpty()) {
            return false;
        }
        if (component.indexOf('.') >= 0 || component.indexOf(':') >= 0 || component.equals("localhost")) {
            return true;
        }
        return !component.equals(component.toLowerCase(Locale.ROOT));
    }

    /** Lower-cases a host and folds Docker Hub's aliases into {@code docker.io}. */
    public static String normaliseHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        switch (h) {
            case "index.docker.io":
            case "registry-1.docker.io":
            case "registry.hub.docker.com":
            case "docker.io":
                return DOCKER_HUB;
            default:
                return h;
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
