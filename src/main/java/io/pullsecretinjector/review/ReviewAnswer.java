package io.pullsecretinjector.review;

import io.pullsecretinjector.patch.PatchOperation;
import io.pullsecretinjector.patch.PodPatch;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.secrets.copy.CopyOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The answer to one Pod review, assembled from the policy's decision and what became of each copy
 * it needed. Pure, and the only place an answer is assembled: the webhook, {@code review} and
 * {@code demo} all see answers built here, so they cannot disagree on a rewrite, a warning or a
 * patch.
 *
 * @param outcome      how the review ended (the metric's tag)
 * @param patch        the JSON Patch operations; empty for none
 * @param warnings     what kubectl prints
 * @param names        the pull-secret names the Pod must reference (those it has already included)
 * @param notInjected  credentials that apply but whose copy could not be used, each with the reason
 * @param dryRunCopies copies a dry-run review would have ensured (nothing was read or written)
 * @param rewritten    images moved to a mirror
 * @param why          why the Pod was left alone as a whole (skipped, timed out), or null
 */
public record ReviewAnswer(ReviewOutcome outcome, List<PatchOperation> patch, List<String> warnings, List<String> names,
                           List<Decision.Miss> notInjected, int dryRunCopies, int rewritten, String why) {

    /** The answer when the budget ran out before the decision was made. */
    public static final String TIMED_OUT = "the Kubernetes API did not answer within the injector's budget; "
            + "the Pod was admitted without injected pull secrets";

    public ReviewAnswer {
        patch = List.copyOf(patch);
        warnings = List.copyOf(warnings);
        names = List.copyOf(names);
        notInjected = List.copyOf(notInjected);
    }

    /** The Pod is admitted as it is, for {@code why} (not a Pod CREATE, no policy, skipped). */
    public static ReviewAnswer unchanged(ReviewOutcome outcome, String why) {
        return new ReviewAnswer(outcome, List.of(), List.of(), List.of(), List.of(), 0, 0, why);
    }

    /** The budget ran out before the decision: admitted as it is, with a warning saying so. */
    public static ReviewAnswer timedOut() {
        return new ReviewAnswer(ReviewOutcome.TIMEOUT, List.of(), List.of(Warnings.of(TIMED_OUT)), List.of(), List.of(), 0, 0, TIMED_OUT);
    }

    /** The copies a decision still needs ensured in the namespace: none for a dry run, which must not write. */
    public static List<Decision.Match> copiesNeeded(Decision decision, boolean dryRun) {
        return dryRun || decision.isSkipped() ? List.of() : decision.applied();
    }

    /**
     * Assembles the answer.
     *
     * @param outcomes what became of each copy in {@link #copiesNeeded}; one missing is a copy that
     *                 did not finish within the budget
     * @param late     the answer goes out because the budget ran out (or the pool was full)
     */
    public static ReviewAnswer of(PodFacts pod, String namespace, Decision decision, boolean dryRun,
                                  Map<Decision.Match, CopyOutcome> outcomes, boolean late) {
        if (decision.isSkipped()) {
            return unchanged(ReviewOutcome.SKIPPED, decision.skipReason());
        }
        List<String> names = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Decision.Miss> notInjected = new ArrayList<>();
        for (Decision.Miss miss : decision.notApplied()) {
            if (miss.warn()) {
                warnings.add(Warnings.notInjected(miss.credential().targetSecretName(), miss.reason()));
            }
        }
        boolean unfinished = false;
        for (Decision.Match m : decision.applied()) {
            String target = m.credential().targetSecretName();
            if (dryRun) {
                names.add(target);
                continue;
            }
            CopyOutcome outcome = outcomes.get(m);
            if (outcome == null) {
                unfinished = true;
                String why = "copying it into namespace " + namespace + " did not finish within the injector's budget; "
                        + "it will be there for the next Pod";
                notInjected.add(new Decision.Miss(m.credential(), why, true));
                warnings.add(Warnings.notInjected(target, why));
                continue;
            }
            if (outcome.result().usable()) {
                names.add(target);
            } else {
                notInjected.add(new Decision.Miss(m.credential(), outcome.warning(), true));
            }
            if (outcome.warning() != null) {
                warnings.add(outcome.result().usable() ? Warnings.of(outcome.warning()) : Warnings.notInjected(target, outcome.warning()));
            }
        }
        List<PatchOperation> ops = PodPatch.operations(pod, decision.rewrites(), names);
        ReviewOutcome outcome = unfinished && late ? ReviewOutcome.TIMEOUT : ops.isEmpty() ? ReviewOutcome.UNCHANGED : ReviewOutcome.PATCHED;
        return new ReviewAnswer(outcome, ops, warnings, names, notInjected, dryRun ? decision.applied().size() : 0,
                decision.rewrites().size(), null);
    }

    /** The same answer with one more warning. */
    public ReviewAnswer withWarning(String warning) {
        List<String> more = new ArrayList<>(warnings);
        more.add(warning);
        return new ReviewAnswer(outcome, patch, more, names, notInjected, dryRunCopies, rewritten, why);
    }

    /** For the review's log line: why it was left alone, or what it changed. */
    public String detail() {
        if (why != null) {
            return why;
        }
        return (names.isEmpty() ? "no credential added" : "imagePullSecrets " + names)
                + (rewritten == 0 ? "" : ", " + rewritten + " image(s) rewritten");
    }
}
