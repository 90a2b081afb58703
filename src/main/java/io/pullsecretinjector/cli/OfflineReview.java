package io.pullsecretinjector.cli;

import io.pullsecretinjector.admission.Warnings;
import io.pullsecretinjector.patch.PatchOperation;
import io.pullsecretinjector.patch.PodPatch;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The webhook's answer for one Pod, computed offline with the same pure steps as the live path
 * ({@link PolicyEvaluator}, then {@link ImagePullSecretsPatch}); only the Secret copy is left out,
 * and a source Secret that is known to be missing leaves its credential out as the live path does.
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

    /** Reviews a Pod (or a Pod template) created in {@code namespace}. */
    public Result review(String namespace, PodFacts pod) {
        Decision decision = evaluator.evaluate(policy, namespace, pod, sources);
        List<String> warnings = new ArrayList<>();
        List<Decision.Miss> missing = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        if (!decision.isSkipped()) {
            for (Decision.Miss miss : decision.notApplied()) {
                if (miss.warn()) {
                    warnings.add(Warnings.notInjected(miss.credential().targetSecretName(), miss.reason()));
                }
            }
            for (Decision.Match m : decision.applied()) {
                String problem = sources.missing(m.credential());
                if (problem != null) {
                    missing.add(new Decision.Miss(m.credential(), problem, true));
                    warnings.add(Warnings.notInjected(m.credential().targetSecretName(), problem));
                } else {
                    names.add(m.credential().targetSecretName());
                }
            }
        }
        List<PatchOperation> ops = PodPatch.operations(pod, decision.rewrites(), List.copyOf(names));
        Set<String> after = new LinkedHashSet<>(pod.imagePullSecrets());
        after.addAll(names);
        List<String> added = new ArrayList<>(names);
        added.removeAll(pod.imagePullSecrets());
        return new Result(decision, missing, added, ops, List.copyOf(after), warnings);
    }
}
