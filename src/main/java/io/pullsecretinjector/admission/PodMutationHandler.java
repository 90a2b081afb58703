package io.pullsecretinjector.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.inventory.ImageInventory;
import io.pullsecretinjector.patch.PatchOperation;
import io.pullsecretinjector.patch.PodPatch;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.ImageReferenceCache;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.policy.RegistryCredential;
import io.pullsecretinjector.secrets.CopyOutcome;
import io.pullsecretinjector.secrets.CopyResult;
import io.pullsecretinjector.secrets.SecretReplicator;
import io.pullsecretinjector.secrets.SourceSecrets;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Answers one admission request: Pod CREATEs are evaluated against the policy, the copies they need
 * are ensured, and the patch adds the names. Everything else is admitted untouched.
 *
 * <p>A review whose sources and copies are all known from memory is answered on the calling
 * thread with no API call; otherwise the work moves to the API thread pool and the answer goes
 * out within {@code injector.api-budget}, with whatever was ready by then.
 */
// created at startup so its metrics exist before the first review
@Startup
@ApplicationScoped
public class PodMutationHandler {

    private static final Logger LOG = Logger.getLogger(PodMutationHandler.class);

    private final PolicyStore policies;
    private final ImageInventory inventory;
    private final SourceSecrets sources;
    private final SecretReplicator replicator;
    private final PolicyEvaluator evaluator;
    private final Executor apiPool;
    private final long budgetNanos;
    private final InjectorConfig.InternalErrorPolicy onInternalError;
    private final Map<ReviewOutcome, Counter> reviews = new EnumMap<>(ReviewOutcome.class);
    /** Sources and copies whose background renewal is queued or running. */
    private final Set<String> renewing = ConcurrentHashMap.newKeySet();
    private final Counter dryRunSkips;
    private final Timer latency;

    public PodMutationHandler(PolicyStore policies, SourceSecrets sources, SecretReplicator replicator, InjectorConfig config,
                              ApiThreadPool apiPool, ImageInventory inventory, ImageReferenceCache images, MeterRegistry registry) {
        this.policies = policies;
        this.inventory = inventory;
        this.sources = sources;
        this.replicator = replicator;
        this.evaluator = new PolicyEvaluator(config.namespace(), images);
        this.apiPool = apiPool;
        this.budgetNanos = config.apiBudget().toNanos();
        this.onInternalError = config.internalErrorPolicy();
        for (ReviewOutcome o : ReviewOutcome.values()) {
            reviews.put(o, Counter.builder("pullsecret_injector_reviews").description("Admission reviews answered, by outcome")
                    .tag("outcome", o.tag()).register(registry));
        }
        this.dryRunSkips = Counter.builder("pullsecret_injector_copies").description("Copies ensured at admission, by result")
                .tag("result", CopyResult.SKIPPED_DRY_RUN.name().toLowerCase()).register(registry);
        this.latency = Timer.builder("pullsecret_injector_review_duration").description("Time to answer a review")
                .publishPercentileHistogram().register(registry);
    }

    /** Answers the request; the stage always completes normally with a response carrying the request uid. */
    public CompletionStage<AdmissionResponse> handle(ReviewRequest request) {
        long start = System.nanoTime();
        CompletionStage<Answer> answer;
        try {
            answer = answer(request, start);
        } catch (RuntimeException e) {
            answer = CompletableFuture.completedFuture(internalError(request, e));
        }
        CompletableFuture<Answer> now = answer.toCompletableFuture();
        if (now.isDone() && !now.isCompletedExceptionally()) {
            // answered from memory, as most reviews are: no stages chained on the event loop
            return CompletableFuture.completedFuture(finish(request, now.join(), start));
        }
        return answer.handle((a, failure) -> failure == null ? a : internalError(request, failure))
                .thenApply(a -> finish(request, a, start));
    }

    private CompletionStage<Answer> answer(ReviewRequest request, long start) {
        if (!request.isPodCreate()) {
            return done(ReviewOutcome.IGNORED, AdmissionResponses.allowed(request.uid()), null);
        }
        PodFacts pod = request.object();
        if (pod == null || (pod.kind() != null && !"Pod".equals(pod.kind()))) {
            return done(ReviewOutcome.IGNORED, AdmissionResponses.allowed(request.uid()), "request.object is not a Pod");
        }
        PolicyStore.Loaded loaded = policies.current();
        if (loaded == null) {
            return done(ReviewOutcome.NO_POLICY, AdmissionResponses.allowed(request.uid()), "no valid policy is loaded");
        }
        InjectionPolicy policy = loaded.policy();
        String namespace = request.namespace().isEmpty() ? pod.namespace() : request.namespace();
        if (!request.dryRun()) {
            inventory.record(namespace, pod.images());
        }
        Work work = new Work(request, namespace, pod);
        if (sources.decidable(policy.registryCredentials())) {
            work.decision = evaluator.evaluate(policy, namespace, pod, sources.registries(false));
            if (work.decision.isSkipped()) {
                return done(ReviewOutcome.SKIPPED, AdmissionResponses.allowed(request.uid()), work.decision.skipReason());
            }
            if (copyFromMemory(work)) {
                renewSoonExpiring(work, policy);
                return CompletableFuture.completedFuture(work.answer(false));
            }
        }
        CompletableFuture<Answer> slow;
        try {
            // the copies are started inside the pool task: composing them onto its future instead could run
            // them on whichever thread attaches the stage (the event loop) when the task is already done
            slow = CompletableFuture.supplyAsync(() -> answerWithApi(work, policy), apiPool).thenCompose(copies -> copies);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(work.answer(true));
        }
        long remaining = budgetNanos - (System.nanoTime() - start);
        return slow.completeOnTimeout(null, Math.max(remaining, 0), TimeUnit.NANOSECONDS)
                .thenApply(a -> a != null ? a : work.answer(true));
    }

    /** Fills in every copy outcome from memory; false when one needs the API. */
    private boolean copyFromMemory(Work work) {
        if (work.request.dryRun()) {
            return true;
        }
        for (Decision.Match m : work.decision.applied()) {
            SourceSecrets.Read source = sources.cached(m.credential());
            if (source == null) {
                return false;
            }
            if (!source.found()) {
                // a copy left behind by a deleted source may still serve: only the API can tell
                return false;
            }
            CopyOutcome known = replicator.known(work.namespace, m.credential().targetSecretName(), source.secret());
            if (known == null) {
                return false;
            }
            work.outcomes.put(m, known);
        }
        return true;
    }

    /**
     * Keeps a namespace in steady use on the warm path: a source read (every source the decision
     * needs) or a copy this review relied on that is in the last quarter of {@code cache-ttl} is
     * checked again in the background, once, while reviews go on being answered from memory.
     * Without it, every {@code cache-ttl} all reviews would wait for the API server until the first
     * of them had refreshed what ran out.
     */
    private void renewSoonExpiring(Work work, InjectionPolicy policy) {
        if (work.request.dryRun()) {
            return;
        }
        for (RegistryCredential credential : policy.registryCredentials()) {
            if (sources.dueForRenewal(credential)) {
                inBackground("source " + credential.source(), () -> sources.renew(credential));
            }
        }
        for (Decision.Match m : work.decision.applied()) {
            String target = m.credential().targetSecretName();
            if (replicator.dueForRenewal(work.namespace, target)) {
                inBackground("copy " + work.namespace + "/" + target, () -> {
                    SourceSecrets.Read source = sources.read(m.credential());
                    if (source.found()) {
                        replicator.renew(work.namespace, target, source.secret());
                    }
                });
            }
        }
    }

    /** True while a background renewal is queued or running (tests wait for it). */
    boolean renewalsPending() {
        return !renewing.isEmpty();
    }

    /** Runs a renewal on the API pool unless one for the same thing is queued or running. */
    private void inBackground(String what, Runnable renewal) {
        if (!renewing.add(what)) {
            return;
        }
        try {
            apiPool.execute(() -> {
                try {
                    renewal.run();
                } finally {
                    renewing.remove(what);
                }
            });
        } catch (RejectedExecutionException e) {
            // the pool is busy with reviews; a later review tries again
            renewing.remove(what);
        }
    }

    /**
     * Runs on an API thread: decides, then ensures each applied credential's copy, all at once: a
     * Pod needing two copies in a new namespace waits for the slower of two CREATE round trips, not
     * for their sum. The first copy runs on this thread; the others on the pool, or here too when
     * it is full.
     */
    private CompletableFuture<Answer> answerWithApi(Work work, InjectionPolicy policy) {
        Decision decision = evaluator.evaluate(policy, work.namespace, work.pod, sources.registries(true));
        work.decision = decision;
        if (decision.isSkipped()) {
            return CompletableFuture.completedFuture(new Answer(ReviewOutcome.SKIPPED, AdmissionResponses.allowed(work.request.uid()),
                    decision.skipReason()));
        }
        List<Decision.Match> applied = decision.applied();
        if (work.request.dryRun() || applied.isEmpty()) {
            return CompletableFuture.completedFuture(work.answer(false));
        }
        List<CompletableFuture<Void>> others = new ArrayList<>();
        for (Decision.Match m : applied.subList(1, applied.size())) {
            try {
                others.add(CompletableFuture.runAsync(() -> copy(work, m), apiPool));
            } catch (RejectedExecutionException e) {
                copy(work, m);
            }
        }
        copy(work, applied.get(0));
        return CompletableFuture.allOf(others.toArray(CompletableFuture[]::new)).thenApply(v -> work.answer(false));
    }

    private void copy(Work work, Decision.Match m) {
        SourceSecrets.Read source = sources.read(m.credential());
        String target = m.credential().targetSecretName();
        work.outcomes.put(m, source.found()
                ? replicator.ensure(work.namespace, target, source.secret())
                : replicator.keepExisting(work.namespace, target, m.credential().source(), source.problem()));
    }

    private Answer internalError(ReviewRequest request, Throwable e) {
        LOG.errorf(e, "uid=%s namespace=%s operation=%s user=%s: internal error while answering the review", request.uid(),
                request.namespace(), request.operation(), request.username());
        String message = "internal error (" + e.getClass().getSimpleName() + "); see the injector's log for uid " + request.uid();
        AdmissionResponse response = onInternalError == InjectorConfig.InternalErrorPolicy.deny
                ? AdmissionResponses.errored(request.uid(), 500, Warnings.of(message))
                : AdmissionResponses.allowed(request.uid(), List.of(Warnings.of(message + "; the Pod was admitted without injected pull secrets")));
        return new Answer(ReviewOutcome.ERROR, response, message);
    }

    private AdmissionResponse finish(ReviewRequest request, Answer answer, long start) {
        reviews.get(answer.outcome).increment();
        latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (LOG.isDebugEnabled() || answer.outcome == ReviewOutcome.TIMEOUT || !answer.response.warnings().isEmpty()) {
            String name = request.object() == null ? PodFacts.displayName("", "") : request.object().displayName();
            LOG.infof("uid=%s namespace=%s name=%s operation=%s user=%s dryRun=%s outcome=%s detail=%s warnings=%s", request.uid(),
                    request.namespace(), name, request.operation(), request.username(), request.dryRun(), answer.outcome.tag(),
                    Objects.requireNonNullElse(answer.detail.get(), "-"), answer.response.warnings());
        }
        return answer.response;
    }

    private static CompletionStage<Answer> done(ReviewOutcome outcome, AdmissionResponse response, String detail) {
        return CompletableFuture.completedFuture(new Answer(outcome, response, detail));
    }

    /** @param detail for the log line, built only when one is written */
    private record Answer(ReviewOutcome outcome, AdmissionResponse response, Supplier<String> detail) {
        Answer(ReviewOutcome outcome, AdmissionResponse response, String detail) {
            this(outcome, response, () -> detail);
        }
    }

    /** One review in progress; filled from the API thread, read by whichever thread answers. */
    private final class Work {
        final ReviewRequest request;
        final String namespace;
        final PodFacts pod;
        final Map<Decision.Match, CopyOutcome> outcomes = new ConcurrentHashMap<>();
        volatile Decision decision;

        Work(ReviewRequest request, String namespace, PodFacts pod) {
            this.request = request;
            this.namespace = namespace;
            this.pod = pod;
        }

        /** The answer from what is known now; {@code late} when the budget ran out or the pool was full. */
        Answer answer(boolean late) {
            Decision d = decision;
            if (d == null) {
                String why = "the Kubernetes API did not answer within the injector's budget; the Pod was admitted without injected pull secrets";
                return new Answer(ReviewOutcome.TIMEOUT, AdmissionResponses.allowed(request.uid(), List.of(Warnings.of(why))), why);
            }
            if (d.isSkipped()) {
                return new Answer(ReviewOutcome.SKIPPED, AdmissionResponses.allowed(request.uid()), d.skipReason());
            }
            List<String> names = new ArrayList<>();
            List<String> warnings = new ArrayList<>();
            for (Decision.Miss miss : d.notApplied()) {
                if (miss.warn()) {
                    warnings.add(Warnings.notInjected(miss.credential().targetSecretName(), miss.reason()));
                }
            }
            boolean timedOut = false;
            for (Decision.Match m : d.applied()) {
                String target = m.credential().targetSecretName();
                if (request.dryRun()) {
                    dryRunSkips.increment();
                    names.add(target);
                    continue;
                }
                CopyOutcome outcome = outcomes.get(m);
                if (outcome == null) {
                    timedOut = true;
                    warnings.add(Warnings.notInjected(target, "copying it into namespace " + namespace
                            + " did not finish within the injector's budget; it will be there for the next Pod"));
                    continue;
                }
                if (outcome.result().usable()) {
                    names.add(target);
                }
                if (outcome.warning() != null) {
                    warnings.add(outcome.result().usable() ? Warnings.of(outcome.warning()) : Warnings.notInjected(target, outcome.warning()));
                }
            }
            List<PatchOperation> ops = PodPatch.operations(pod, d.rewrites(), names);
            ReviewOutcome outcome = timedOut && late ? ReviewOutcome.TIMEOUT : ops.isEmpty() ? ReviewOutcome.UNCHANGED : ReviewOutcome.PATCHED;
            Supplier<String> detail = () -> (names.isEmpty() ? "no credential added" : "imagePullSecrets " + names)
                    + (d.rewrites().isEmpty() ? "" : ", " + d.rewrites().size() + " image(s) rewritten");
            return new Answer(outcome, AdmissionResponses.patched(request.uid(), ops, warnings), detail);
        }
    }
}
