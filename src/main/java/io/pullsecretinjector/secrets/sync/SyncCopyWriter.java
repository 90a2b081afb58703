package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.api.ApiProblems;
import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.CopyDecision;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.events.EventReason;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Carries out the sync loop's decision for one copy against the API server, as {@link CopyWriter}
 * does for admission: trusts what {@link KnownCopies} says where it can (no call for a copy known
 * current, one conditional update for one known stale), reads and asks {@link CopyDecision} otherwise,
 * and writes. Every call waits for the {@link Pacer}; every write first checks that this replica
 * still leads. Never throws for one copy: a failure is logged, counted, recorded as an Event, and
 * repaired by a later pass.
 */
final class SyncCopyWriter {

    private static final Logger LOG = Logger.getLogger(SyncCopyWriter.class);

    private final SecretApi api;
    private final Pacer pacer;
    private final BooleanSupplier leading;
    private final KnownCopies known;
    private final Function<SecretKey, KnownCopies.KnownCopy> trusted;
    private final SyncMetrics metrics;
    private final CopyEvents events;

    /**
     * @param known   told of every read and write, as the API server returned it
     * @param trusted what the loop may rely on of a copy (ours, recorded since it began leading), or null
     */
    SyncCopyWriter(SecretApi api, Pacer pacer, BooleanSupplier leading, KnownCopies known,
                   Function<SecretKey, KnownCopies.KnownCopy> trusted, SyncMetrics metrics, CopyEvents events) {
        this.api = api;
        this.pacer = pacer;
        this.leading = leading;
        this.known = known;
        this.trusted = trusted;
        this.metrics = metrics;
        this.events = events;
    }

    /**
     * One copy: what was done, as a result of its own.
     *
     * @param verify   read the copy even when what is known would do
     * @param newNamespace the namespace just appeared: an eager copy there most likely does not exist
     *                 yet, so it is created first (one call) instead of read and then created
     */
    SyncResult sync(CopyDecision.Wanted want, String namespace, String name, boolean verify, boolean newNamespace) {
        checkLeading();
        SecretKey key = new SecretKey(namespace, name);
        String verb = "get"; // the call under way, for the message of a failure
        boolean checked = false;
        boolean read = false;
        try {
            if (CopyDecision.sameWhateverIsThere(want, namespace, name)) {
                return SyncResult.of(true, false, false, false);
            }
            KnownCopies.KnownCopy k = trusted.apply(key);
            SourceSecret source = want.source();
            if (!verify && k != null && want.serves() && source != null) {
                if (source.hash().equals(k.hash())) {
                    return SyncResult.of(true, false, false, false); // known current: no call
                }
                if (k.resourceVersion() != null) {
                    verb = "update";
                    checked = true;
                    if (writeKnown(want, namespace, name, key, k)) {
                        return SyncResult.of(true, true, false, false);
                    }
                    checked = false; // refused: read and judged below, and counted then
                    verb = "get";
                }
            }
            if (newNamespace && k == null && want.serves() && want.eager() && source != null
                    && !want.sourceRef().equals(key.toString())) {
                verb = "create";
                if (createFirst(want, namespace, name, key)) {
                    return SyncResult.of(true, true, false, false);
                }
                verb = "get";
            }
            pace();
            Secret actual = api.get(namespace, name);
            checked = true;
            read = true;
            CopyDecision decision = CopyDecision.decide(want, namespace, name, actual);
            known.observed(key, want.sourceRef(), source, actual);
            if (!decision.action().writes()) {
                LOG.debugf("namespace=%s secret=%s source=%s action=none reason=%s", namespace, name, want.sourceRef(), decision.reason());
                return SyncResult.of(true, false, false, true);
            }
            verb = decision.action().name().toLowerCase();
            checkLeading();
            pace();
            Secret written = switch (decision.action()) {
                case CREATE -> api.create(ManagedCopy.desired(source, namespace, name));
                case UPDATE -> api.update(ManagedCopy.updated(actual, source));
                case DELETE -> {
                    api.delete(actual);
                    yield null;
                }
                default -> throw new IllegalStateException(decision.toString());
            };
            if (written == null) {
                known.forget(key);
            } else {
                known.writtenInBackground(key, want.sourceRef(), source, written);
            }
            wrote(decision.action(), namespace, name, want.sourceRef(), decision.reason());
            return SyncResult.of(true, true, false, true);
        } catch (CopySynchronizer.Stopped e) {
            throw e;
        } catch (KubernetesClientException e) {
            checkLeading(); // a call cut short by the loop stopping is no failure
            metrics.failed();
            String why = ApiProblems.describe(e, verb, "secret " + key, namespace, ApiProblems.Retry.NEXT_PASS);
            LOG.warnf("namespace=%s secret=%s source=%s action=%s result=failed reason=%s", namespace, name, want.sourceRef(), verb, why);
            events.record(EventReason.CopyFailed, namespace, name, "Sync loop, source " + want.sourceRef() + ": " + why);
            return SyncResult.of(checked, false, true, read);
        } catch (RuntimeException e) {
            metrics.failed();
            LOG.errorf(e, "namespace=%s secret=%s source=%s action=%s result=failed reason=unexpected error", namespace, name,
                    want.sourceRef(), verb);
            return SyncResult.of(checked, false, true, read);
        }
    }

    /**
     * Our copy, known stale: the whole copy written at the remembered resourceVersion, one call.
     * Returns false when the API server says the copy is no longer what was known (409: changed or
     * replaced; 404: gone), or refuses the write (403, 422: the chart's admission policy, say), so
     * the caller reads and judges it, and the copy is no longer trusted from memory; other failures
     * (5xx, 429, timeouts) are thrown and retried by a later pass.
     */
    private boolean writeKnown(CopyDecision.Wanted want, String namespace, String name, SecretKey key, KnownCopies.KnownCopy k) {
        checkLeading();
        pace();
        Secret copy = ManagedCopy.desired(want.source(), namespace, name);
        copy.getMetadata().setResourceVersion(k.resourceVersion());
        try {
            known.writtenInBackground(key, want.sourceRef(), want.source(), api.update(copy));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404 || e.getCode() == 403 || e.getCode() == 422) {
                known.forget(key);
                LOG.debugf("namespace=%s secret=%s action=update result=%d reason=changed since the loop last saw it; reading it", namespace,
                        name, e.getCode());
                return false;
            }
            throw e;
        }
        wrote(CopyDecision.Action.UPDATE, namespace, name, want.sourceRef(), "stale: the source content changed");
        return true;
    }

    /** An eager copy in a namespace that just appeared: created in one call; false on 409 (one is there: read and judge it). */
    private boolean createFirst(CopyDecision.Wanted want, String namespace, String name, SecretKey key) {
        checkLeading();
        pace();
        try {
            known.writtenInBackground(key, want.sourceRef(), want.source(), api.create(ManagedCopy.desired(want.source(), namespace, name)));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false;
            }
            throw e;
        }
        wrote(CopyDecision.Action.CREATE, namespace, name, want.sourceRef(), "eager: the namespace is new");
        return true;
    }

    private void wrote(CopyDecision.Action action, String namespace, String name, String sourceRef, String reason) {
        metrics.written(action);
        LOG.infof("namespace=%s secret=%s source=%s action=%s reason=%s", namespace, name, sourceRef, action.name().toLowerCase(), reason);
        events.record(action == CopyDecision.Action.CREATE ? EventReason.CopyCreated
                        : action == CopyDecision.Action.UPDATE ? EventReason.CopyUpdated : EventReason.CopyDeleted,
                namespace, name, "Sync loop, source " + sourceRef + ": " + reason);
    }

    private void checkLeading() {
        if (!leading.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new CopySynchronizer.Stopped();
        }
    }

    private void pace() {
        try {
            pacer.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CopySynchronizer.Stopped();
        }
    }
}
