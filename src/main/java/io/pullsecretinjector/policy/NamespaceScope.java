package io.pullsecretinjector.policy;

/**
 * Which namespaces a credential serves: the one answer the admission decision and the sync loop
 * both use. A namespace is served when it is not the injector's own, and both the policy's and the
 * credential's include/exclude globs and {@code namespaceSelector} let it through. A selector is
 * tested against the Namespace object's labels only; when those are not known, a credential with a
 * selector does not serve the namespace (it is never given on a guess), one without any needs no
 * labels. Pure.
 */
public final class NamespaceScope {

    private NamespaceScope() {
    }

    /** Why Pods in the namespace are left alone by the whole policy, or null when the policy serves it. */
    public static String whyNotServed(InjectionPolicy policy, NamespaceFacts namespace, String injectorNamespace) {
        String byName = whyNotServedByName(policy, namespace.name(), injectorNamespace);
        return byName != null ? byName : whySelectorRejects(policy.namespaceSelector(), namespace);
    }

    /** Why the policy's name rules (own namespace, include/exclude globs) leave out the namespace, or null when they let it through. */
    public static String whyNotServedByName(InjectionPolicy policy, String name, String injectorNamespace) {
        if (name.equals(injectorNamespace)) {
            return "namespace " + name + " is the injector's own namespace, which is always excluded";
        }
        Glob excludedBy = Glob.firstMatch(policy.excludeNamespaces(), name);
        if (excludedBy != null) {
            return "namespace " + name + " is excluded by excludeNamespaces \"" + excludedBy + "\"";
        }
        if (Glob.firstMatch(policy.includeNamespaces(), name) == null) {
            return "namespace " + name + " matches no includeNamespaces entry";
        }
        return null;
    }

    /** Why the credential leaves out the namespace although the policy serves it, or null when it does not. */
    public static String whyCredentialExcludes(RegistryCredential credential, NamespaceFacts namespace) {
        String byName = whyCredentialExcludesByName(credential, namespace.name());
        return byName != null ? byName : whySelectorRejects(credential.namespaceSelector(), namespace);
    }

    /** Why the credential's own globs leave out the namespace, or null when they let it through. */
    public static String whyCredentialExcludesByName(RegistryCredential credential, String name) {
        Glob excludedBy = Glob.firstMatch(credential.excludeNamespaces(), name);
        if (excludedBy != null) {
            return "namespace " + name + " is excluded by " + credential.path() + ".excludeNamespaces \"" + excludedBy + "\"";
        }
        if (Glob.firstMatch(credential.includeNamespaces(), name) == null) {
            return "namespace " + name + " matches no " + credential.path() + ".includeNamespaces entry";
        }
        return null;
    }

    /** True when Pods in the namespace may get {@code credential}'s copy. */
    public static boolean serves(InjectionPolicy policy, RegistryCredential credential, NamespaceFacts namespace, String injectorNamespace) {
        return whyNotServed(policy, namespace, injectorNamespace) == null && whyCredentialExcludes(credential, namespace) == null;
    }

    /**
     * True when the answer for the credential could depend on the namespace's labels: the policy's
     * or the credential's selector has a requirement. Without one no label needs reading.
     */
    public static boolean needsLabels(InjectionPolicy policy, RegistryCredential credential) {
        return !policy.namespaceSelector().matchesEverything() || !credential.namespaceSelector().matchesEverything();
    }

    /** True when some answer of the policy could depend on namespace labels. Asked on every review: a loop, no stream. */
    public static boolean needsLabels(InjectionPolicy policy) {
        for (RegistryCredential c : policy.registryCredentials()) {
            if (needsLabels(policy, c)) {
                return true;
            }
        }
        return !policy.namespaceSelector().matchesEverything();
    }

    private static String whySelectorRejects(LabelSelector selector, NamespaceFacts namespace) {
        if (selector.matchesEverything()) {
            return null;
        }
        if (!namespace.labelsKnown()) {
            return "the labels of namespace " + namespace.name() + " are not known, so " + selector.path() + " (" + selector
                    + ") cannot be checked";
        }
        LabelSelector.Requirement unmet = selector.firstUnmet(namespace.labels());
        return unmet == null ? null
                : "namespace " + namespace.name() + " does not match " + selector.path() + ": its labels do not satisfy \"" + unmet + "\"";
    }
}
