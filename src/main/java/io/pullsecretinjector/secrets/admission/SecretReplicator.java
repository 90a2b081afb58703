package io.pullsecretinjector.secrets.admission;

import io.pullsecretinjector.secrets.api.ApiProblems;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.CopyOutcome;
import io.pullsecretinjector.secrets.copy.CopyDecision;
import io.pullsecretinjector.secrets.copy.CopyResult;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.events.EventReason;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Makes sure a namespace holds a current copy of a source Secret when a Pod needs it: an
 * idempotent reconcile that reports what it did. Answers from {@link KnownCopies} (what this
 * process last read or wrote of the copy, admission or the sync loop) for {@code injector.cache-ttl},
 * so later Pods in the namespace are answered with no API call, and lets concurrent first Pods of
 * a namespace share one reconcile.
 */
// created at startup so its metrics exist before the first review
@Startup
@ApplicationScoped
public class SecretReplicator {

    private static final Logger LOG = Logger.getLogger(SecretReplicator.class);

    private final CopyWriter writer;
    private final KnownCopies known;
    private final long followerWaitNanos;
    private final BackgroundRenewals renewals;
    private final Map<SecretKey, CompletableFuture<CopyOutcome>> inFlight = new ConcurrentHashMap<>();
    private final CopyMetrics counters;
    private final CopyEvents events;
    private final SecretApi api;

    /**
     * @param known what is known of each copy, shared with the sync loop: read before any call, and
     *              told of every read and write made here
     */
    public SecretReplicator(SecretApi api, KnownCopies known, InjectorConfig config, MeterRegistry registry, BackgroundRenewals renewals,
                            CopyEvents events) {
        this.api = api;
        this.known = known;
        this.events = events;
        this.writer = new CopyWriter(api, known);
        // how long a call waits for another call's reconcile of the same copy: the review budget,
        // after which the review has been answered anyway
        this.followerWaitNanos = config.apiBudget().plusMillis(250).toNanos();
        this.renewals = renewals;
        this.counters = new CopyMetrics(registry);
    }

    /**
     * The remembered outcome, or null when the copy needs the API server. Makes no call. A copy of
     * ours known to be in place but holding older content (the source rotated since) is answered
     * as UNCHANGED too: the Pod only needs its name, the old content stays valid while the new one
     * goes out, and the sync loop brings the copy current; this review also marks it for the
     * background renewal ({@link #renewIfDue}), which updates it if the loop has not yet. So a
     * rotation never makes a Pod wait for the API server.
     */
    public CopyOutcome known(String namespace, String name, SourceSecret source) {
        SecretKey key = key(namespace, name);
        KnownCopies.KnownCopy k = known.get(key);
        if (!known.fresh(k)) {
            return null;
        }
        if (k.foreign()) {
            return k.hash().equals(source.hash()) ? CopyWriter.foreign(namespace, name, source) : null;
        }
        if (!k.hash().equals(source.hash())) {
            known.renewSoon(key);
        }
        return CopyOutcome.of(CopyResult.UNCHANGED);
    }

    /**
     * A review answered from memory relied on this copy: when it is known current but in the last
     * quarter of {@code cache-ttl}, it is {@link #renew renewed} in the background, once, with the
     * source as {@code source} reads it then (null: gone, nothing to renew). Makes no call here.
     */
    public void renewIfDue(String namespace, String name, Supplier<SourceSecret> source) {
        KnownCopies.KnownCopy k = known.get(key(namespace, name));
        if (k != null && RenewalWindow.isDue(k.freshUntilNanos(), known.ttlNanos(), known.now())) {
            renewals.submit("copy " + namespace + "/" + name, () -> {
                SourceSecret now = source.get();
                if (now != null) {
                    renew(namespace, name, now);
                }
            });
        }
    }

    /** Counts copies a dry-run review would have ensured (nothing was read or written). */
    public void skippedForDryRun(int copies) {
        for (int i = 0; i < copies; i++) {
            counters.count(CopyResult.SKIPPED_DRY_RUN);
        }
    }

    /**
     * Ensures the copy exists and is current (blocking). Concurrent calls for the same copy share
     * one reconcile. Never throws: failures come back as {@link CopyResult#FAILED} with a warning.
     */
    public CopyOutcome ensure(String namespace, String name, SourceSecret source) {
        CopyOutcome hit = known(namespace, name, source);
        if (hit != null) {
            counters.count(hit.result());
            return hit;
        }
        return reconcileShared(namespace, name, source, false);
    }

    /**
     * Checks the copy against the API server even though it is known current, and remembers the
     * answer for a new {@code cache-ttl}: the background renewal of a copy in steady use, so that
     * its reviews keep being answered from memory. Shared with concurrent calls like {@link #ensure};
     * a failed renewal leaves what is known to run out as it would have.
     */
    public CopyOutcome renew(String namespace, String name, SourceSecret source) {
        return reconcileShared(namespace, name, source, true);
    }

    private CopyOutcome reconcileShared(String namespace, String name, SourceSecret source, boolean renewal) {
        SecretKey key = key(namespace, name);
        CompletableFuture<CopyOutcome> mine = new CompletableFuture<>();
        CompletableFuture<CopyOutcome> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            // the leader already counted the write; a follower only saw a current copy
            CopyOutcome seen = SharedReconcile.follow(running, key, followerWaitNanos);
            counters.count(seen.result());
            return seen;
        }
        CopyOutcome outcome;
        try {
            outcome = writer.reconcile(namespace, name, source, known.get(key) != null);
        } catch (RuntimeException e) {
            outcome = CopyOutcome.failed("copy " + namespace + "/" + name + ": " + ApiProblems.describe(e, CopyWriter.verbOf(e), "secret " + namespace + "/" + name, namespace,
                    ApiProblems.Retry.NEXT_POD));
        } catch (Error e) {
            // never leave followers waiting on a future nobody completes
            mine.completeExceptionally(e);
            inFlight.remove(key, mine);
            throw e;
        }
        // the writer told the store what it read and wrote, before followers are released, so a late
        // arrival finds the answer instead of reconciling again; a failure is not trusted from memory
        if (outcome.result() == CopyResult.FAILED && !renewal) {
            known.forget(key);
        }
        mine.complete(outcome);
        inFlight.remove(key, mine);
        counters.reconciled(namespace, name, source.ref(), renewal ? "renew" : "ensure", outcome);
        recordEvent(namespace, name, source.ref(), outcome);
        return outcome;
    }

    private void recordEvent(String namespace, String name, String sourceRef, CopyOutcome outcome) {
        switch (outcome.result()) {
            case CREATED -> events.record(EventReason.CopyCreated, namespace, name,
                    "Created from " + sourceRef + " for the Pods of namespace " + namespace);
            case UPDATED -> events.record(EventReason.CopyUpdated, namespace, name,
                    "Updated from " + sourceRef + ": the source content changed");
            case FOREIGN, FAILED -> events.record(outcome.result() == CopyResult.FOREIGN ? EventReason.ForeignSecret : EventReason.CopyFailed,
                    namespace, name, outcome.warning());
            default -> {
            }
        }
    }

    /**
     * For a credential whose source is gone or unreadable: a copy of ours already in the namespace
     * keeps the Pod pulling, so it is referenced as it is (with the problem as a warning) instead
     * of being left out. Never throws; never writes.
     */
    public CopyOutcome keepExisting(String namespace, String name, String sourceRef, String problem) {
        try {
            if (CopyDecision.decide(CopyDecision.Wanted.forPod(sourceRef, null), namespace, name, api.get(namespace, name)).action()
                    == CopyDecision.Action.KEEP) {
                counters.count(CopyResult.UNCHANGED);
                return new CopyOutcome(CopyResult.UNCHANGED, problem + "; the copy already in " + namespace + " is referenced as it is");
            }
        } catch (RuntimeException e) {
            LOG.debugf("namespace=%s secret=%s action=keep-existing result=failed reason=%s", namespace, name, e.toString());
        }
        counters.count(CopyResult.FAILED);
        return CopyOutcome.failed(problem);
    }

    private static SecretKey key(String namespace, String name) {
        return new SecretKey(namespace, name);
    }
}
