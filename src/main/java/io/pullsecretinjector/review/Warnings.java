package io.pullsecretinjector.review;

/**
 * The wording of the warnings kubectl prints for a review, in one place so the live webhook and
 * the offline {@code review} command can never say it differently.
 */
public final class Warnings {

    /** Every warning starts with it, so a user knows which webhook spoke. */
    public static final String PREFIX = "pullsecret-injector: ";

    private Warnings() {
    }

    /** A warning with the prefix. */
    public static String of(String message) {
        return PREFIX + message;
    }

    /** A credential that applies to the Pod but was left out, and why. */
    public static String notInjected(String target, String reason) {
        return PREFIX + "credential " + target + " not injected: " + reason;
    }
}
