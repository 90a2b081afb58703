package io.pullsecretinjector.rescue;

import io.pullsecretinjector.policy.RegistryCredential;
import java.time.Instant;
import java.util.List;

/**
 * What the rescue decided for one Pod, and why, as a sentence for logs and Events.
 *
 * @param action  what to do
 * @param reason  why, as a sentence without Secret data (names only)
 * @param missing the credentials the policy gives for the images the Pod waits on and that it does not reference
 * @param due     for {@link Action#WAIT}: when the grace period is over; else null
 */
public record RescueVerdict(Action action, String reason, List<RegistryCredential> missing, Instant due) {

    public RescueVerdict {
        missing = List.copyOf(missing);
    }

    /** What the rescue does with a Pod. */
    public enum Action {
        /** Evict it: its controller recreates it, and admission gives the new Pod the credential. */
        EVICT,
        /** It qualifies but has not waited out the grace period yet. */
        WAIT,
        /** It lacks a credential and is stuck, but a new Pod would come back stuck too: not evicted, an admin has to act. */
        HOLD,
        /** Not the rescue's business: not stuck, not controlled, not served, or nothing missing. */
        LEAVE
    }

    static RescueVerdict leave(String reason) {
        return new RescueVerdict(Action.LEAVE, reason, List.of(), null);
    }

    /** The names of the missing copies, for logs: {@code [regcred, hub]}. */
    public List<String> missingNames() {
        return missing.stream().map(RegistryCredential::targetSecretName).toList();
    }
}
