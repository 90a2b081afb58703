package io.pullsecretinjector.review;

/** How a review ended, the {@code outcome} tag of the reviews metric. */
public enum ReviewOutcome {
    /** Not a Pod CREATE: answered allowed without looking further. */
    IGNORED,
    /** A Pod CREATE left alone on purpose: excluded namespace, opt-out annotation. */
    SKIPPED,
    /** A patch was returned. */
    PATCHED,
    /** Evaluated; nothing to add (no credential applies, or the Pod already has every name). */
    UNCHANGED,
    /** No valid policy is loaded yet. */
    NO_POLICY,
    /** The API work did not finish within injector.api-budget; answered with what was ready. */
    TIMEOUT,
    /** The injector failed unexpectedly; answered per injector.internal-error-policy. */
    ERROR;

    public String tag() {
        return name().toLowerCase();
    }
}
