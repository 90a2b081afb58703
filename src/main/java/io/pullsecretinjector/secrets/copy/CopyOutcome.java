package io.pullsecretinjector.secrets.copy;

/**
 * The result of ensuring one copy.
 *
 * @param result  what was done
 * @param warning a sentence for the user (FOREIGN, FAILED), or null
 */
public record CopyOutcome(CopyResult result, String warning) {

    public static CopyOutcome of(CopyResult result) {
        return new CopyOutcome(result, null);
    }

    public static CopyOutcome failed(String warning) {
        return new CopyOutcome(CopyResult.FAILED, warning);
    }
}
