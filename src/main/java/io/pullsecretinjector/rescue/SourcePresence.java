package io.pullsecretinjector.rescue;

import io.pullsecretinjector.policy.RegistryCredential;

/**
 * Whether a credential's source Secret is there to be copied: a Pod recreated while it is missing
 * would be admitted without that credential again. The lookup behind it lives outside the pure core.
 */
@FunctionalInterface
public interface SourcePresence {

    /** Why the credential's source cannot be copied now (a user-facing sentence), or null when it can. */
    String problem(RegistryCredential credential);
}
