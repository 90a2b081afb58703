package io.pullsecretinjector.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.review.ReviewAnswer;
import io.pullsecretinjector.review.ReviewOutcome;
import io.pullsecretinjector.review.Warnings;
import io.pullsecretinjector.secrets.admission.SecretReplicator;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The webhook's shell around one review: hands it to {@link LiveReview}, turns any exception into
 * an answer that still carries the uid (per {@code injector.internal-error-policy}), counts it,
 * and writes the one log line per review (always for a timeout or a warning, else at debug).
 */
// created at startup so its metrics exist before the first review
@Startup
@ApplicationScoped
public class PodMutationHandler {

    private static final Logger LOG = Logger.getLogger(PodMutationHandler.class);

    private final LiveReview live;
    private final SecretReplicator replicator;
    private final InjectorConfig.InternalErrorPolicy onInternalError;
    private final ReviewMetrics metrics;

    public PodMutationHandler(LiveReview live, SecretReplicator replicator, InjectorConfig config, MeterRegistry registry) {
        this.live = live;
        this.replicator = replicator;
        this.onInternalError = config.internalErrorPolicy();
        this.metrics = new ReviewMetrics(registry);
    }

    /** Counts a request to /mutate refused with 400 before there was a review to answer. */
    public void badRequest() {
        metrics.badRequest();
    }

    /** Answers the request; the stage always completes normally with a response carrying the request uid. */
    public CompletionStage<AdmissionResponse> handle(ReviewRequest request) {
        long start = System.nanoTime();
        CompletionStage<ReviewAnswer> answer;
        try {
            answer = live.answer(request, start);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(internalError(request, e, start));
        }
        CompletableFuture<ReviewAnswer> now = answer.toCompletableFuture();
        if (now.isDone() && !now.isCompletedExceptionally()) {
            // answered from memory, as most reviews are: no stages chained on the event loop
            return CompletableFuture.completedFuture(finish(request, now.join(), start));
        }
        return answer.handle((a, failure) -> failure == null ? finish(request, a, start) : internalError(request, failure, start));
    }

    private AdmissionResponse finish(ReviewRequest request, ReviewAnswer answer, long start) {
        replicator.skippedForDryRun(answer.dryRunCopies());
        AdmissionResponse response = AdmissionResponses.patched(request.uid(), answer.patch(), answer.warnings());
        return done(request, answer.outcome(), response, answer::detail, start);
    }

    private AdmissionResponse internalError(ReviewRequest request, Throwable e, long start) {
        LOG.errorf(e, "uid=%s namespace=%s operation=%s user=%s: internal error while answering the review", request.uid(),
                request.namespace(), request.operation(), request.username());
        String message = "internal error (" + e.getClass().getSimpleName() + "); see the injector's log for uid " + request.uid();
        AdmissionResponse response = onInternalError == InjectorConfig.InternalErrorPolicy.deny
                ? AdmissionResponses.errored(request.uid(), 500, Warnings.of(message))
                : AdmissionResponses.allowed(request.uid(), List.of(Warnings.of(message + "; the Pod was admitted without injected pull secrets")));
        return done(request, ReviewOutcome.ERROR, response, () -> message, start);
    }

    /** @param detail for the log line, built only when one is written */
    private AdmissionResponse done(ReviewRequest request, ReviewOutcome outcome, AdmissionResponse response, Supplier<String> detail,
                                   long start) {
        metrics.answered(outcome, System.nanoTime() - start);
        if (LOG.isDebugEnabled() || outcome == ReviewOutcome.TIMEOUT || !response.warnings().isEmpty()) {
            String name = request.object() == null ? PodFacts.displayName("", "") : request.object().displayName();
            String d = detail.get();
            LOG.infof("uid=%s namespace=%s name=%s operation=%s user=%s dryRun=%s outcome=%s detail=%s warnings=%s", request.uid(),
                    request.namespace(), name, request.operation(), request.username(), request.dryRun(), outcome.tag(),
                    d == null ? "-" : d, response.warnings());
        }
        return response;
    }
}
