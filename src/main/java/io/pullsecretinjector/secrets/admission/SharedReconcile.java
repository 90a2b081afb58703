package io.pullsecretinjector.secrets.admission;

import io.pullsecretinjector.secrets.copy.CopyOutcome;
import io.pullsecretinjector.secrets.copy.CopyResult;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.api.ApiProblems;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A call that found another call's reconcile of the same copy running, and waits for its outcome. */
final class SharedReconcile {

    private SharedReconcile() {
    }

    /**
     * The outcome of {@code running} as a follower sees it: a write the leader made is, for the
     * follower, a copy that is current. Waits at most {@code waitNanos}: a hung call must not pin
     * one API thread per waiting review (the pool would starve and reviews of other namespaces time
     * out); the review is answered by then anyway.
     */
    static CopyOutcome follow(CompletableFuture<CopyOutcome> running, SecretKey key, long waitNanos) {
        CopyOutcome shared;
        try {
            shared = running.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return CopyOutcome.failed("copy " + key + ": another review's call to the Kubernetes API for this copy did not "
                    + "finish within the injector's budget; " + ApiProblems.Retry.NEXT_POD);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CopyOutcome.failed("copy " + key + ": interrupted while waiting for another review's call");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
        return shared.result() == CopyResult.CREATED || shared.result() == CopyResult.UPDATED ? CopyOutcome.of(CopyResult.UNCHANGED) : shared;
    }
}
