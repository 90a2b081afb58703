package io.pullsecretinjector.policy;

import java.util.List;
import java.util.Objects;

/**
 * What the policy says for one Pod: skipped as a whole, or which credentials apply (and by which
 * image) and which do not (and why).
 *
 * @param skipReason why the whole Pod is left alone, or null when it was evaluated
 * @param applied    the credentials whose copy must be in the namespace and referenced by the Pod
 * @param notApplied the other credentials, each with its reason
 * @param rewrites   the images moved to a mirror by {@code imageRewrites}, decided before the credentials
 */
public record Decision(String skipReason, List<Match> applied, List<Miss> notApplied, List<Rewrite> rewrites) {

    public Decision {
        applied = List.copyOf(applied);
        notApplied = List.copyOf(notApplied);
        rewrites = List.copyOf(rewrites);
    }

    /** A whole-Pod skip. */
    public static Decision skipped(String reason) {
        return new Decision(reason, List.of(), List.of(), List.of());
    }

    /**
     * One image moved to a mirror.
     *
     * @param container the container and its original image
     * @param image     the new image reference
     * @param rule      the rule that matched
     */
    public record Rewrite(PodFacts.ContainerImage container, String image, ImageRewrite rule) {
    }

    public boolean isSkipped() {
        return skipReason != null;
    }

    /**
     * A credential that applies.
     *
     * @param credential the credential
     * @param image      the first image that pulls from one of its registries
     * @param registry   the registry pattern that matched it
     */
    public record Match(RegistryCredential credential, String image, RegistryPattern registry) {

        /**
         * Over the credential and the image only: a match is a map key on every review, and the
         * generated hash also walked the registry pattern. Equal matches still hash alike, since
         * {@code equals} compares all three.
         */
        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(credential) + Objects.hashCode(image);
        }
    }

    /**
     * A credential that does not apply.
     *
     * @param credential the credential
     * @param reason     why, as a sentence
     * @param warn       true when the reason is a problem the user should hear about (a missing source Secret)
     */
    public record Miss(RegistryCredential credential, String reason, boolean warn) {
    }
}
