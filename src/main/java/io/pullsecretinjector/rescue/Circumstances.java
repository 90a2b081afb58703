package io.pullsecretinjector.rescue;

import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.SourceRegistries;
import java.time.Instant;

/**
 * What is known around one Pod when it is judged, besides the Pod itself.
 *
 * @param policy           the policy in force (the one admission uses)
 * @param namespace        the Pod's namespace and, when known, its labels
 * @param registries       the registries of credentials that take them from their Secret, as admission looks them up
 * @param sources          whether each credential's source Secret is there to be copied
 * @param stuckSince       when this replica first saw the Pod waiting on an image pull, in its current spell
 * @param ownerLastEvicted when the rescue last evicted a Pod of the same controller (within its memory), or null
 * @param now              the time of judgement
 */
public record Circumstances(InjectionPolicy policy, NamespaceFacts namespace, SourceRegistries registries, SourcePresence sources,
                            Instant stuckSince, Instant ownerLastEvicted, Instant now) {
}
