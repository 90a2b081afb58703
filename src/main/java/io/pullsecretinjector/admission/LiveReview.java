package io.pullsecretinjector.admission;

import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.inventory.ImageInventory;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.ImageReferenceCache;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.NamespaceScope;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.review.ReviewAnswer;
import io.pullsecretinjector.review.ReviewOutcome;
import io.pullsecretinjector.review.Warnings;
import io.pullsecretinjector.secrets.api.ApiProblems;
import io.pullsecretinjector.secrets.admission.ApiThreadPool;
import io.pullsecretinjector.secrets.copy.CopyOutcome;
import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import io.pullsecretinjector.secrets.admission.SecretReplicator;
import io.pullsecretinjector.secrets.admission.SourceSecrets;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Carries out one review against the live cluster: the policy decision, then the copies it needs,
 * answered through the pure {@link ReviewAnswer}. A review whose sources and copies are all known
 * from memory is answered on the calling thread with no API call; otherwise the work moves to the
 * API thread pool and the answer goes out within {@code injector.api-budget}, with whatever was
 * ready by then. When the policy has a namespaceSelector, the namespace's labels come from the
 * replica's namespace watch; one the watch has not delivered yet is read once on the API thread,
 * within the same budget. The labels of a Pod or of the review are never used.
 */
@ApplicationScoped
public class LiveReview {

    private final PolicyStore policies;
    private final ImageInventory inventory;
    private final SourceSecrets sources;
    private final NamespaceLabels namespaces;
    private final SecretReplicator replicator;
    private final PolicyEvaluator evaluator;
    private final Executor apiPool;
    private final long budgetNanos;

    public LiveReview(PolicyStore policies, SourceSecrets sources, NamespaceLabels namespaces, SecretReplicator replicator,
                      InjectorConfig config, ApiThreadPool apiPool, ImageInventory inventory, ImageReferenceCache images) {
        this.policies = policies;
        this.namespaces = namespaces;
        this.inventory = inventory;
        this.sources = sources;
        this.replicator = replicator;
        this.evaluator = new PolicyEvaluator(config.namespace(), images);
        this.apiPool = apiPool;
        this.budgetNanos = config.apiBudget().toNanos();
    }

    /** The answer; the stage may complete exceptionally, which the caller turns into an answer. */
    CompletionStage<ReviewAnswer> answer(ReviewRequest request, long startNanos) {
        if (!request.isPodCreate()) {
            return done(ReviewAnswer.unchanged(ReviewOutcome.IGNORED, null));
        }
        PodFacts pod = request.object();
        if (pod == null || (pod.kind() != null && !"Pod".equals(pod.kind()))) {
            return done(ReviewAnswer.unchanged(ReviewOutcome.IGNORED, "request.object is not a Pod"));
        }
        PolicyStore.Loaded loaded = policies.current();
        if (loaded == null) {
            return done(ReviewAnswer.unchanged(ReviewOutcome.NO_POLICY, "no valid policy is loaded"));
        }
        InjectionPolicy policy = loaded.policy();
        String namespace = request.namespace().isEmpty() ? pod.namespace() : request.namespace();
        if (!request.dryRun()) {
            inventory.record(namespace, pod.images());
        }
        // labels only when a selector could use them; null facts: the watch has not delivered the namespace
        Map<String, String> labels = NamespaceScope.needsLabels(policy) ? namespaces.cached(namespace) : Map.of();
        NamespaceFacts facts = labels == null ? null : NamespaceFacts.of(namespace, labels);
        Progress progress = new Progress(pod, namespace, request.dryRun(), facts);
        if (facts != null && sources.decidable(policy.registryCredentials())) {
            Decision decision = evaluator.evaluate(policy, facts, pod, sources.registries(false));
            Map<Decision.Match, CopyOutcome> known = fromMemory(decision, namespace, request.dryRun());
            if (known != null) {
                if (!request.dryRun() && !decision.isSkipped()) {
                    renewSoonExpiring(decision, namespace, policy);
                }
                return done(ReviewAnswer.of(pod, namespace, decision, request.dryRun(), known, false));
            }
        }
        CompletableFuture<ReviewAnswer> slow;
        try {
            // the copies are started inside the pool task: composing them onto its future instead could run
            // them on whichever thread attaches the stage (the event loop) when the task is already done
            slow = CompletableFuture.supplyAsync(() -> withApi(progress, policy), apiPool).thenCompose(copies -> copies);
        } catch (RejectedExecutionException e) {
            return done(progress.answer(true));
        }
        long remaining = budgetNanos - (System.nanoTime() - startNanos);
        return slow.completeOnTimeout(null, Math.max(remaining, 0), TimeUnit.NANOSECONDS)
                .thenApply(a -> a != null ? a : progress.answer(true));
    }

    /** Every copy outcome the decision needs, from memory; null when one needs the API. */
    private Map<Decision.Match, CopyOutcome> fromMemory(Decision decision, String namespace, boolean dryRun) {
        Map<Decision.Match, CopyOutcome> known = new HashMap<>();
        for (Decision.Match m : ReviewAnswer.copiesNeeded(decision, dryRun)) {
            SourceSecrets.Read source = sources.cached(m.credential());
            // a copy left behind by a deleted source may still serve: only the API can tell
            if (source == null || !source.found()) {
                return null;
            }
            CopyOutcome outcome = replicator.known(namespace, m.credential().targetSecretName(), source.secret());
            if (outcome == null) {
                return null;
            }
            known.put(m, outcome);
        }
        return known;
    }

    /** Keeps a namespace in steady use on the warm path: the caches renew what this review relied on before it runs out. */
    private void renewSoonExpiring(Decision decision, String namespace, InjectionPolicy policy) {
        sources.renewIfDue(policy.registryCredentials());
        for (Decision.Match m : decision.applied()) {
            replicator.renewIfDue(namespace, m.credential().targetSecretName(), () -> sources.read(m.credential()).secret());
        }
    }

    /**
     * Runs on an API thread: decides, then ensures each needed copy, all at once: a Pod needing two
     * copies in a new namespace waits for the slower of two CREATE round trips, not for their sum.
     * The first copy runs on this thread; the others on the pool, or here too when it is full.
     */
    private CompletableFuture<ReviewAnswer> withApi(Progress progress, InjectionPolicy policy) {
        NamespaceFacts facts = progress.facts != null ? progress.facts : readLabels(progress);
        Decision decision = evaluator.evaluate(policy, facts, progress.pod, sources.registries(true));
        progress.decision = decision;
        List<Decision.Match> needed = ReviewAnswer.copiesNeeded(decision, progress.dryRun);
        if (needed.isEmpty()) {
            return CompletableFuture.completedFuture(progress.answer(false));
        }
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (Decision.Match m : needed.subList(1, needed.size())) {
            try {
                others.add(CompletableFuture.runAsync(() -> copy(progress, m), apiPool));
            } catch (RejectedExecutionException e) {
                copy(progress, m);
            }
        }
        copy(progress, needed.get(0));
        return CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).thenApply(v -> progress.answer(false));
    }

    /** One GET of the Namespace; when it fails, the labels stay unknown (no credential with a selector applies) and the answer says why. */
    private NamespaceFacts readLabels(Progress progress) {
        String ns = progress.namespace;
        try {
            Map<String, String> labels = namespaces.read(ns);
            if (labels != null) {
                return NamespaceFacts.of(ns, labels);
            }
            progress.labelProblem = "namespace " + ns + " was not found when its labels were read";
        } catch (RuntimeException e) {
            progress.labelProblem = ApiProblems.namespaceLabels(e, ns);
        }
        return NamespaceFacts.unknownLabels(ns);
    }

    private void copy(Progress progress, Decision.Match m) {
        SourceSecrets.Read source = sources.read(m.credential());
        String target = m.credential().targetSecretName();
        progress.outcomes.put(m, source.found()
                ? replicator.ensure(progress.namespace, target, source.secret())
                : replicator.keepExisting(progress.namespace, target, m.credential().source(), source.problem()));
    }

    private static CompletionStage<ReviewAnswer> done(ReviewAnswer answer) {
        return CompletableFuture.completedFuture(answer);
    }

    /**
     * What an API-bound review has found so far: filled on API threads, read by whichever thread
     * answers (at the budget, with whatever was ready). The answer is assembled from a snapshot.
     */
    private static final class Progress {
        final PodFacts pod;
        final String namespace;
        final boolean dryRun;
        /** The namespace as known from memory, or null when its labels are read on the API thread. */
        final NamespaceFacts facts;
        final Map<Decision.Match, CopyOutcome> outcomes = new ConcurrentHashMap<>();
        volatile Decision decision;
        volatile String labelProblem;

        Progress(PodFacts pod, String namespace, boolean dryRun, NamespaceFacts facts) {
            this.pod = pod;
            this.namespace = namespace;
            this.dryRun = dryRun;
            this.facts = facts;
        }

        ReviewAnswer answer(boolean late) {
            Decision d = decision;
            if (d == null) {
                return ReviewAnswer.timedOut();
            }
            ReviewAnswer a = ReviewAnswer.of(pod, namespace, d, dryRun, Map.copyOf(outcomes), late);
            String problem = labelProblem;
            return problem == null ? a : a.withWarning(Warnings.of(problem + "; credentials with a namespaceSelector were not injected"));
        }
    }
}
