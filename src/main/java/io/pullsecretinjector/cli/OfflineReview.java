package io.pullsecretinjector.cli;

import io.pullsecretinjector.patch.PatchOperation;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.review.ReviewAnswer;
import io.pullsecretinjector.secrets.copy.CopyOutcome;
import io.pullsecretinjector.secrets.copy.CopyResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The webhook's answer for one Pod, computed offline by the same pure steps as the live path
 * ({@link PolicyEvaluator}, then {@link ReviewAnswer}); only the Secret copy is left out: a copy
 * whose source Secret is known to be missing is left out with the webhook's own warning, every
 * other copy counts as in place.
 */
public final class OfflineReview {

    /**
     * What the webhook would answer.
     *
     * @param decision         the evaluator's decision
     * @param sourceMissing    credentials that apply but whose source Secret is missing, with the reason
     * @param added            the names the patch adds
     * @param patch            the JSON Patch operations (empty: no patch)
     * @param imagePullSecrets the Pod's {@code spec.imagePullSecrets} names after the patch
     * @param warnings         what kubectl would print
     */
    public record Result(Decision decision, List<Decision.Miss> sourceMissing, List<String> added, List<PatchOperation> patch,
                         List<String> imagePullSecrets, List<String> warnings) {
    }

    private final InjectionPolicy policy;
    private final PolicyEvaluator evaluator;
    private final SourceSecretFiles sources;

    public OfflineReview(InjectionPolicy policy, String injectorNamespace, SourceSecretFiles sources) {
        this.policy = policy;
        this.evaluator = new PolicyEvaluator(injectorNamespace);
        this.sources = sources;
    }

    /** Reviews a Pod (or a Pod template) created in a namespace whose labels are not known. */
    public Result review(String namespace, PodFacts pod) {
        return review(NamespaceFacts.unknownLabels(namespace), pod);
    }

    /** Reviews a Pod (or a Pod template) created in the namespace, with its labels when they are known. */
    public Result review(NamespaceFacts facts, PodFacts pod) {
        String namespace = facts.name();
        Decision decision = evaluator.evaluate(policy, facts, pod, sources);
        Map<Decision.Match, CopyOutcome> copies = new HashMap<>();
        for (Decision.Match m : ReviewAnswer.copiesNeeded(decision, false)) {
            String problem = sources.missing(m.credential());
            copies.put(m, problem == null ? CopyOutcome.of(CopyResult.UNCHANGED) : CopyOutcome.failed(problem));
        }
        ReviewAnswer answer = ReviewAnswer.of(pod, namespace, decision, false, copies, false);
        Set<String> after = new LinkedHashSet<>(pod.imagePullSecrets());
        after.addAll(answer.names());
        List<String> added = new ArrayList<>(new LinkedHashSet<>(answer.names()));
        added.removeAll(pod.imagePullSecrets());
        return new Result(decision, answer.notInjected(), added, answer.patch(), List.copyOf(after), answer.warnings());
    }
}
