package io.pullsecretinjector.policy;

import java.util.List;

/**
 * The cluster admin's contract, {@code pullsecret-injector.io/v1alpha1 InjectionPolicy}: which
 * namespaces are served and which registry credentials go to which Pods. Built only by
 * {@link PolicyParser}, so every instance is valid and has its defaults filled in.
 *
 * @param excludeNamespaces   namespaces never served (globs); wins over {@code includeNamespaces}
 * @param includeNamespaces   namespaces served (globs)
 * @param namespaceSelector   namespaces served (labels of the Namespace object); matches everything when absent
 * @param registryCredentials the credentials, in policy order
 * @param imageRewrites       mirror rules, in policy order (the first match wins)
 */
public record InjectionPolicy(
        List<Glob> excludeNamespaces,
        List<Glob> includeNamespaces,
        LabelSelector namespaceSelector,
        List<RegistryCredential> registryCredentials,
        List<ImageRewrite> imageRewrites) {

    /** The only apiVersion this build reads. */
    public static final String API_VERSION = "pullsecret-injector.io/v1alpha1";
    /** The document kind. */
    public static final String KIND = "InjectionPolicy";
    /** System namespaces excluded when the policy names none: Pods there must never depend on us. */
    public static final List<String> DEFAULT_EXCLUDE_NAMESPACES = List.of("kube-system", "kube-public", "kube-node-lease");
    /** Every namespace is served unless the policy narrows it. */
    public static final List<String> DEFAULT_INCLUDE_NAMESPACES = List.of("*");

    public InjectionPolicy {
        excludeNamespaces = List.copyOf(excludeNamespaces);
        includeNamespaces = List.copyOf(includeNamespaces);
        registryCredentials = List.copyOf(registryCredentials);
        imageRewrites = List.copyOf(imageRewrites);
        namespaceSelector = namespaceSelector == null ? LabelSelector.everything("namespaceSelector") : namespaceSelector;
    }

    /** A policy without a namespaceSelector. */
    public InjectionPolicy(List<Glob> excludeNamespaces, List<Glob> includeNamespaces, List<RegistryCredential> registryCredentials,
                           List<ImageRewrite> imageRewrites) {
        this(excludeNamespaces, includeNamespaces, null, registryCredentials, imageRewrites);
    }

    /** The annotation a Pod sets to {@code "false"} to keep its images as written. */
    public static final String REWRITE_ANNOTATION = "pullsecret-injector.io/rewrite";
    /** Where the original images of rewritten containers are recorded: a JSON map container name to image. */
    public static final String ORIGINAL_IMAGES_ANNOTATION = "pullsecret-injector.io/original-images";
}
