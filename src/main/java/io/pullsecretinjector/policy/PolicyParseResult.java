package io.pullsecretinjector.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What {@link PolicyParser} found: a policy when the document is valid, otherwise every error at once.
 *
 * @param policy the policy, or null when there are errors
 * @param errors every problem found, empty when the policy is valid
 */
public record PolicyParseResult(InjectionPolicy policy, List<PolicyError> errors) {

    public PolicyParseResult {
        errors = List.copyOf(errors);
    }

    public boolean valid() {
        return errors.isEmpty();
    }

    /** All errors on one line each, ready for a log line or a readiness detail. */
    public String describeErrors() {
        return errors.stream().map(PolicyError::toString).collect(Collectors.joining("\n"));
    }
}
