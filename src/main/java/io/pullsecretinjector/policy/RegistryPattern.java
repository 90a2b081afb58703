package io.pullsecretinjector.policy;

import java.util.Locale;

/**
 * Where a credential applies: a registry host (a glob, with {@code :port} when the registry has
 * one) and an optional repository path prefix. Built from a policy's {@code registries} entry or
 * from an {@code auths} key of a dockerconfigjson Secret, which may be a URL such as
 * {@code https://index.docker.io/v1/}.
 *
 * @param text the pattern as written
 * @param host glob over the normalised {@code host[:port]}; {@code *} for every registry
 * @param pathPrefix repository path prefix without slashes, or empty for the whole registry
 */
public record RegistryPattern(String text, Glob host, String pathPrefix) {

    /** Reads a pattern; URL schemes, trailing slashes and Docker's {@code /v1/} API suffix are dropped. */
    public static RegistryPattern parse(String text) {
        String s = text.trim();
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            s = s.substring(scheme + 3);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.equals("*")) {
            return new RegistryPattern(text, Glob.of("*"), "");
        }
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        String path = slash < 0 ? "" : s.substring(slash + 1);
        if (path.equals("v1") || path.equals("v2")) {
            path = "";
        }
        host = ImageReference.normaliseHost(host.toLowerCase(Locale.ROOT));
        return new RegistryPattern(text, Glob.of(host), path);
    }

    /** True when the image is pulled from this registry (and under the path prefix, if any). */
    public boolean matches(ImageReference image) {
        if (!host.matches(image.registry())) {
            return false;
        }
        if (pathPrefix.isEmpty()) {
            return true;
        }
        String repo = image.repository();
        return repo.equals(pathPrefix) || repo.startsWith(pathPrefix + "/");
    }

    @Override
    public String toString() {
        return text;
    }
}
