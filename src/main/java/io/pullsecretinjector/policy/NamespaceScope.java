package io.pullsecretinjector.policy;

/**
 * Which namespaces a credential serves: the one answer the admission decision and the sync loop
 * both use. A namespace is served when it is not the injector's own, not excluded globally, matched
 * by {@code includeNamespaces}, and not excluded by the credential itself. Pure.
 */
public final class NamespaceScope {

    private NamespaceScope() {
    }

    /** Why Pods in {@code namespace} are left alone by the whole policy, or null when the policy serves it. */
    public static String whyNotServed(InjectionPolicy policy, String namespace, String injectorNamespace) {
        if (namespace.equals(injectorNamespace)) {
            return "namespace " + namespace + " is the injector's own namespace, which is always excluded";
        }
        Glob excludedBy = Glob.firstMatch(policy.excludeNamespaces(), namespace);
        if (excludedBy != null) {
            return "namespace " + namespace + " is excluded by excludeNamespaces \"" + excludedBy + "\"";
        }
        if (Glob.firstMatch(policy.includeNamespaces(), namespace) == null) {
            return "namespace " + namespace + " matches no includeNamespaces entry";
        }
        return null;
    }

    /** Why the credential leaves out {@code namespace} although the policy serves it, or null when it does not. */
    public static String whyCredentialExcludes(RegistryCredential credential, String namespace) {
        Glob excludedBy = Glob.firstMatch(credential.excludeNamespaces(), namespace);
        return excludedBy == null ? null
                : "namespace " + namespace + " is excluded by " + credential.path() + ".excludeNamespaces \"" + excludedBy + "\"";
    }

    /** True when Pods in {@code namespace} may get {@code credential}'s copy. */
    public static boolean serves(InjectionPolicy policy, RegistryCredential credential, String namespace, String injectorNamespace) {
        return whyNotServed(policy, namespace, injectorNamespace) == null && whyCredentialExcludes(credential, namespace) == null;
    }
}
