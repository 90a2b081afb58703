package io.pullsecretinjector.cli;

import java.util.List;

/**
 * The exit codes of {@code review}, each with the line {@code --help} prints for it. A pipeline
 * gates on them, so they never change meaning; docs/review.md lists the same codes.
 */
final class ExitCodes {

    static final int OK = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;
    static final int MISSING = 3;
    static final int SKIPPED = 4;

    static final String HELP_OK = "0:Every input was reviewed, and no --fail-on-* check failed.";
    static final String HELP_INVALID = "1:The policy or an input is invalid (every error is printed with its path; the valid documents are still reviewed). "
            + "Wins over 3 and 4.";
    static final String HELP_USAGE = "2:Wrong command line.";
    static final String HELP_MISSING = "3:With --fail-on-missing: an image comes from a registry that no credential covers, "
            + "or a credential that applies has its source Secret missing. Wins over 4.";
    static final String HELP_SKIPPED = "4:With --fail-on-skip: a Pod is skipped because the policy excludes its namespace.";

    private ExitCodes() {
    }

    /**
     * The exit code of a review: invalid input first, then the checks asked for.
     *
     * @param invalid       true when the policy or an input had an error
     * @param failOnMissing {@code --fail-on-missing}
     * @param failOnSkip    {@code --fail-on-skip}
     * @param assessments   every reviewed Pod's assessment
     */
    static int of(boolean invalid, boolean failOnMissing, boolean failOnSkip, List<Assessment> assessments) {
        if (invalid) {
            return INVALID;
        }
        if (failOnMissing && missing(assessments) > 0) {
            return MISSING;
        }
        if (failOnSkip && namespaceSkips(assessments) > 0) {
            return SKIPPED;
        }
        return OK;
    }

    /** The problems {@code --fail-on-missing} counts, over every Pod. */
    static int missing(List<Assessment> assessments) {
        return assessments.stream().mapToInt(a -> a.missing().size()).sum();
    }

    /** The Pods {@code --fail-on-skip} counts. */
    static int namespaceSkips(List<Assessment> assessments) {
        return (int) assessments.stream().filter(a -> a.skipCause() == Assessment.SkipCause.namespace).count();
    }
}
