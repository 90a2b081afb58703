package io.pullsecretinjector.policy;

import java.util.List;

/**
 * The registries a credential covers when the policy leaves {@code registries} empty: the hosts
 * in its source Secret's {@code auths}. The lookup behind it lives outside the pure core.
 */
@FunctionalInterface
public interface SourceRegistries {

    /** The registries of the credential's source Secret, or why they cannot be known. */
    Lookup registriesOf(RegistryCredential credential);

    /**
     * The answer of a lookup.
     *
     * @param registries the patterns read from the Secret's auths keys, when found
     * @param problem    why they are unknown (missing, forbidden, unreadable): a user-facing sentence, or null
     */
    record Lookup(List<RegistryPattern> registries, String problem) {
        public static Lookup found(List<RegistryPattern> registries) {
            return new Lookup(List.copyOf(registries), null);
        }

        public static Lookup unavailable(String problem) {
            return new Lookup(List.of(), problem);
        }
    }
}
