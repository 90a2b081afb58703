package io.pullsecretinjector.secrets.admission;

import io.pullsecretinjector.secrets.api.ApiProblems;
import io.pullsecretinjector.secrets.api.KubernetesSecretApi;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.CopyOutcome;
import io.pullsecretinjector.secrets.copy.CopyReconciler;
import io.pullsecretinjector.secrets.copy.CopyResult;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.events.EventReason;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Makes sure a namespace holds a current copy of a source Secret: an idempotent reconcile that
 * reports what it did. Remembers copies known to be current for {@code injector.cache-ttl}, so
 * later Pods in the namespace are answered with no API call, and lets concurrent first Pods of a
 * namespace share one reconcile.
 */
// created at startup so its metrics exist before the first review
@Startup
@ApplicationScoped
public class SecretReplicator {

    private static final Logger LOG = Logger.getLogger(SecretReplicator.class);

    private record Known(CopyOutcome outcome, String sourceHash, long expiresAtNanos) {
    }

    private final SecretApi api;
    private final CopyWriter writer;
    private final long ttlNanos;
    private final long followerWaitNanos;
    private final LongSupplier clock;
    private final BackgroundRenewals renewals;
    private final Map<SecretKey, Known> known = new ConcurrentHashMap<>();
    private final Map<SecretKey, CompletableFuture<CopyOutcome>> inFlight = new ConcurrentHashMap<>();
    private final CopyMetrics counters;
    private final CopyEvents events;

    @Inject
    public SecretReplicator(SecretApi api, InjectorConfig config, MeterRegistry registry, BackgroundRenewals renewals, CopyEvents events) {
        this(api, config.cacheTtl(), config.apiBudget().plusMillis(250), System::nanoTime, registry, renewals, events);
    }

    /** With a clock of its own ({@link System#nanoTime()} in production), so tests can move time. */
    public SecretReplicator(SecretApi api, InjectorConfig config, MeterRegistry registry, LongSupplier clock, BackgroundRenewals renewals) {
        this(api, config, registry, clock, renewals, CopyEvents.NONE);
    }

    /** With a clock of its own and where its Events go. */
    public SecretReplicator(SecretApi api, InjectorConfig config, MeterRegistry registry, LongSupplier clock, BackgroundRenewals renewals,
                            CopyEvents events) {
        this(api, config.cacheTtl(), config.apiBudget().plusMillis(250), clock, registry, renewals, events);
    }

    SecretReplicator(SecretApi api, Duration ttl, LongSupplier clock, MeterRegistry registry) {
        this(api, ttl, Duration.ofSeconds(30), clock, registry, new BackgroundRenewals(Runnable::run), CopyEvents.NONE);
    }

    /**
     * @param followerWait how long a call waits for another call's reconcile of the same copy; the
     *                     review budget, after which the review has been answered anyway
     */
    SecretReplicator(SecretApi api, Duration ttl, Duration followerWait, LongSupplier clock, MeterRegistry registry,
                     BackgroundRenewals renewals, CopyEvents events) {
        this.api = api;
        this.events = events;
        this.writer = new CopyWriter(api);
        this.ttlNanos = ttl.toNanos();
        this.followerWaitNanos = followerWait.toNanos();
        this.clock = clock;
        this.renewals = renewals;
        this.counters = new CopyMetrics(registry);
        if (api instanceof KubernetesSecretApi k) {
            k.onWritten(this::learned); // the first Pod in a namespace the sync loop just filled is answered from memory
        }
    }

    /**
     * A Secret this process wrote (the sync loop, or another review), as the API server returned
     * it: a copy is remembered as current for the content it holds, for {@code cache-ttl}.
     */
    void learned(Secret written) {
        var meta = written == null ? null : written.getMetadata();
        var ann = meta == null ? null : meta.getAnnotations();
        String ref = ann == null ? null : ann.get(ManagedCopy.SOURCE_ANNOTATION);
        String hash = ann == null ? null : ann.get(ManagedCopy.HASH_ANNOTATION);
        if (ref == null || hash == null || !ManagedCopy.isOurs(written, ref) || meta.getDeletionTimestamp() != null) {
            return;
        }
        known.put(key(meta.getNamespace(), meta.getName()), new Known(CopyOutcome.of(CopyResult.UNCHANGED), hash, clock.getAsLong() + ttlNanos));
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
        Known k = known.get(key);
        long now = clock.getAsLong();
        if (k == null || now - k.expiresAtNanos >= 0) {
            return null;
        }
        if (k.outcome.result() == CopyResult.FOREIGN) {
            return k.sourceHash.equals(source.hash()) ? k.outcome : null;
        }
        if (!k.sourceHash.equals(source.hash())) {
            renewSoon(key, now);
        }
        return CopyOutcome.of(CopyResult.UNCHANGED);
    }

    /** Moves what is known into the renewal window, so the next review that relies on it has it checked in the background. */
    private void renewSoon(SecretKey key, long now) {
        known.computeIfPresent(key, (k, was) -> was.expiresAtNanos - now > ttlNanos / 4
                ? new Known(was.outcome(), was.sourceHash(), now + ttlNanos / 4) : was);
    }

    /**
     * A review answered from memory relied on this copy: when it is known current but in the last
     * quarter of {@code cache-ttl}, it is {@link #renew renewed} in the background, once, with the
     * source as {@code source} reads it then (null: gone, nothing to renew). Makes no call here.
     */
    public void renewIfDue(String namespace, String name, Supplier<SourceSecret> source) {
        Known k = known.get(key(namespace, name));
        if (k != null && RenewalWindow.isDue(k.expiresAtNanos, ttlNanos, clock.getAsLong())) {
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
            outcome = writer.reconcile(namespace, name, source, known.containsKey(key));
        } catch (RuntimeException e) {
            outcome = CopyOutcome.failed("copy " + namespace + "/" + name + ": " + ApiProblems.describe(e, CopyWriter.verbOf(e), "secret " + namespace + "/" + name, namespace));
        } catch (Error e) {
            // never leave followers waiting on a future nobody completes
            mine.completeExceptionally(e);
            inFlight.remove(key, mine);
            throw e;
        }
        // remember before releasing followers, so a late arrival finds the answer instead of reconciling again
        if (outcome.result() == CopyResult.FAILED) {
            if (!renewal) {
                known.remove(key);
            }
        } else {
            known.put(key, new Known(outcome, source.hash(), clock.getAsLong() + ttlNanos));
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
            if (CopyReconciler.judge(sourceRef, null, api.get(namespace, name)) == CopyReconciler.Verdict.LEAVE) {
                counters.count(CopyResult.UNCHANGED);
                return new CopyOutcome(CopyResult.UNCHANGED, problem + "; the copy already in " + namespace + " is referenced as it is");
            }
        } catch (RuntimeException e) {
            LOG.debugf("namespace=%s secret=%s action=keep-existing result=failed reason=%s", namespace, name, e.toString());
        }
        counters.count(CopyResult.FAILED);
        return CopyOutcome.failed(problem);
    }

    /**
     * Told after the sync loop wrote the copy: what is known of it is checked again in the
     * background when the next review relies on it (it moves into the renewal window), so reviews
     * stay answered from memory. It stays seen: that check is a GET first, one call for a copy that
     * is there, not a CREATE that gets 409 and then a GET.
     */
    public void forget(String namespace, String name) {
        renewSoon(key(namespace, name), clock.getAsLong());
    }

    private static SecretKey key(String namespace, String name) {
        return new SecretKey(namespace, name);
    }
}
