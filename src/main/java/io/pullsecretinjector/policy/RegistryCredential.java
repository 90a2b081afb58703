package io.pullsecretinjector.policy;

import java.util.List;
import java.util.Objects;

/**
 * One registry credential of the policy: a dockerconfigjson Secret that is copied into the
 * namespaces of the Pods that pull from its registries.
 *
 * @param index                   position in {@code registryCredentials}, for messages
 * @param existingSecret          name of the source Secret
 * @param existingSecretNamespace namespace of the source Secret
 * @param targetSecretName        name of the copy in each Pod namespace
 * @param registries              where it applies; empty means "the hosts in the Secret's auths"
 * @param excludeNamespaces       namespaces this credential never goes to, on top of the global ones
 * @param includeNamespaces       namespaces this credential may go to (globs), within the global ones
 * @param namespaceSelector       namespaces this credential may go to (labels of the Namespace object), within the global selector
 * @param eager                   also copy into every matching namespace as soon as it exists, not only when a Pod arrives
 * @param prune                   delete the injector's copies when the credential leaves the policy or a namespace is excluded
 */
public record RegistryCredential(
        int index,
        String existingSecret,
        String existingSecretNamespace,
        String targetSecretName,
        List<RegistryPattern> registries,
        List<Glob> excludeNamespaces,
        List<Glob> includeNamespaces,
        LabelSelector namespaceSelector,
        boolean eager,
        boolean prune) {

    /** Every namespace the global scope lets through: what an absent {@code includeNamespaces} means. */
    public static final List<Glob> ALL_NAMESPACES = List.of(Glob.of("*"));

    public RegistryCredential {
        registries = List.copyOf(registries);
        excludeNamespaces = List.copyOf(excludeNamespaces);
        includeNamespaces = List.copyOf(includeNamespaces);
        namespaceSelector = namespaceSelector == null ? LabelSelector.everything("registryCredentials[" + index + "].namespaceSelector")
                : namespaceSelector;
    }

    /** A credential with no includeNamespaces or namespaceSelector of its own. */
    public RegistryCredential(int index, String existingSecret, String existingSecretNamespace, String targetSecretName,
                              List<RegistryPattern> registries, List<Glob> excludeNamespaces, boolean eager, boolean prune) {
        this(index, existingSecret, existingSecretNamespace, targetSecretName, registries, excludeNamespaces, ALL_NAMESPACES, null, eager,
                prune);
    }

    /** A credential with the defaults {@code eager: false} and {@code prune: false}. */
    public RegistryCredential(int index, String existingSecret, String existingSecretNamespace, String targetSecretName,
                              List<RegistryPattern> registries, List<Glob> excludeNamespaces) {
        this(index, existingSecret, existingSecretNamespace, targetSecretName, registries, excludeNamespaces, false, false);
    }

    /**
     * Over the index and the three names only: a credential is hashed on every review (as part of
     * a {@link Decision.Match} map key), and the generated hash walked every registry pattern and
     * exclusion glob, a measurable share of a review. Equal credentials still hash alike, since
     * {@code equals} compares every component.
     */
    @Override
    public int hashCode() {
        int h = index;
        h = 31 * h + Objects.hashCode(existingSecretNamespace);
        h = 31 * h + Objects.hashCode(existingSecret);
        return 31 * h + Objects.hashCode(targetSecretName);
    }

    /** {@code namespace/name} of the source Secret, as written in the copies' source annotation. */
    public String source() {
        return existingSecretNamespace + "/" + existingSecret;
    }

    /** True when the registries come from the source Secret's {@code auths} keys. */
    public boolean registriesFromSecret() {
        return registries.isEmpty();
    }

    /** The field path of this credential, for messages: {@code registryCredentials[0]}. */
    public String path() {
        return "registryCredentials[" + index + "]";
    }
}
