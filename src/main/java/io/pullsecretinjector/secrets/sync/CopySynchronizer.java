package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.CopyDecision;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.events.EventReason;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.pullsecretinjector.secrets.known.KnownSources;
import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.NamespaceScope;
import io.pullsecretinjector.policy.RegistryCredential;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The passes of the sync loop: for each (credential, namespace) it says what the policy wants of
 * the copy, and {@link SyncCopyWriter} decides with {@link CopyDecision} and does it. Finds copies only
 * by enumerating namespaces and getting the target name: it never lists Secrets. Every call waits
 * for the {@link Pacer}; every write first checks that this replica still leads, so a replica that
 * lost the lease stops writing at once. Never throws for one copy: a failure is logged, counted,
 * and repaired by a later pass.
 *
 * <p>The loop trusts, per copy of ours, what the last read or write since it began leading showed
 * ({@link KnownCopies}, shared with admission: the resourceVersion and the content hash), so most
 * copies need no read:
 * <ul>
 * <li>a copy known to hold the source's content costs no call (the resync between verifications);
 * <li>a copy known to be ours but stale is written with one conditional update: the whole copy as
 *     {@link ManagedCopy#desired} builds it, at the remembered resourceVersion. Any change since
 *     that read or write, by anyone (a foreign Secret put in its place, a label added, a deletion),
 *     changes the resourceVersion, so the API server refuses the update (409, or 404 when gone) and
 *     the copy is read and judged by {@link CopyDecision} as if unknown. A foreign Secret is never
 *     written;
 * <li>a copy not known (never seen, seen missing, foreign, or carrying metadata others added) is
 *     read first, as before;
 * <li>a decision that is the same whatever is there (the credential does not apply and prune is
 *     off; the source is missing) costs no call.
 * </ul>
 * A full pass reads every copy again once per verify period, repairing what memory cannot see
 * (a copy deleted or edited by hand); admission repairs such a copy at the next Pod meanwhile.
 */
public class CopySynchronizer {

    private static final Logger LOG = Logger.getLogger(CopySynchronizer.class);

    /** Thrown inside a pass when the replica stops leading or the loop is stopped. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("the sync loop stopped", null, false, false);
        }
    }

    private final String injectorNamespace;
    private final BooleanSupplier leading;
    private final Supplier<Collection<String>> namespaces;
    private final NamespaceLabels labels;
    private final CopyEvents events;
    private final KnownCopies copies;
    private final KnownSources sources;
    private final Map<String, RegistryCredential> retired = new ConcurrentHashMap<>();
    /** What the store knew before this replica began leading is not trusted: another replica may have led meanwhile. */
    private volatile long trustedAfter;
    private final long verifyNanos;
    private volatile long lastVerified;
    private volatile boolean verifiedOnce;
    private volatile InjectionPolicy policy;

    private final SyncMetrics metrics;
    private final SyncCopyWriter writer;

    /**
     * @param api               the Secret calls
     * @param copies            what is known of each copy, shared with admission
     * @param sources           what is known of each source, shared with admission and fed by the source watches
     * @param pacer             paces every call
     * @param injectorNamespace never served
     * @param leading           true while this replica may write
     * @param namespaces        the namespaces that exist now (not terminating)
     * @param registry          where the metrics go
     * @param verifyPeriod      how often a full pass reads every copy again instead of trusting what is
     *                          known (zero: every full pass reads every copy)
     * @param labels            the namespaces' labels, from memory: a credential with a namespaceSelector is left
     *                          alone in a namespace whose labels are not known (neither created nor pruned)
     * @param events            where the copies written, deleted or failed, and missing sources, are reported
     */
    public CopySynchronizer(SecretApi api, KnownCopies copies, KnownSources sources, Pacer pacer, String injectorNamespace,
                            BooleanSupplier leading, Supplier<Collection<String>> namespaces, MeterRegistry registry,
                            Duration verifyPeriod, NamespaceLabels labels, CopyEvents events) {
        this.copies = copies;
        this.sources = sources;
        this.verifyNanos = verifyPeriod.toNanos();
        this.labels = labels;
        this.events = events;
        this.injectorNamespace = injectorNamespace;
        this.leading = leading;
        this.namespaces = namespaces;
        this.trustedAfter = copies.sequence();
        this.metrics = new SyncMetrics(registry, () -> copies.ours(trustedAfter), () -> copies.namespacesWithOurs(trustedAfter), sources::missing);
        this.writer = new SyncCopyWriter(api, pacer, leading, copies, this::trusted, metrics, events);
    }

    /** The policy in force; credentials it drops with {@code prune: true} are pruned by the next passes. */
    public void policyChanged(InjectionPolicy previous, InjectionPolicy next) {
        if (previous != null) {
            for (RegistryCredential old : previous.registryCredentials()) {
                if (old.prune() && next.registryCredentials().stream().noneMatch(c -> sameCopy(c, old))) {
                    retired.put(copyKey(old), old);
                    LOG.infof("source=%s secret=%s action=retire reason=removed from the policy with prune: true; its copies will be deleted",
                            old.source(), old.targetSecretName());
                }
            }
        }
        for (RegistryCredential c : next.registryCredentials()) {
            retired.remove(copyKey(c));
        }
        sources.retainOnly(next.registryCredentials().stream().map(CopySynchronizer::sourceKey).toList());
        this.policy = next;
    }

    /**
     * The source watch reported a change (new content, a source appearing or going): a source that
     * is now missing is reported once. The caller queues a pass over its copies.
     */
    public void sourceChanged(SecretKey ref, KnownSources.KnownSource before, KnownSources.KnownSource now) {
        if (now.missing() && (before == null || !before.missing())) {
            LOG.warnf("source=%s action=source-missing reason=the source Secret does not exist; every copy is kept as it is, "
                    + "new namespaces get none until it is recreated", ref);
            if (leading.getAsBoolean()) {
                events.record(EventReason.SourceMissing, ref.namespace(), ref.name(), "The source Secret " + ref + " named by the injection "
                        + "policy does not exist: copies already made are kept as they are, and namespaces without one get none. "
                        + "Recreate it, or fix existingSecret/existingSecretNamespace in the policy");
            }
        }
    }

    /**
     * Every credential in every namespace, then the credentials retired with prune. Reads every copy
     * when the last full pass that did is older than the verify period (and the first time);
     * otherwise trusts what it knows.
     */
    public SyncResult fullPass() {
        boolean verify = !verifiedOnce || System.nanoTime() - lastVerified >= verifyNanos;
        long start = System.nanoTime();
        SyncResult s = pass("full", null, null, verify);
        if (verify) {
            lastVerified = start;
            verifiedOnce = true;
        }
        metrics.fullPassFinished();
        return s;
    }

    /** Every credential with this source, in every namespace. */
    public SyncResult sourcePass(String sourceRef) {
        return pass("source", sourceRef, null, false);
    }

    /** Every credential in one namespace (a new namespace). */
    public SyncResult namespacePass(String namespace) {
        return pass("namespace", null, namespace, false);
    }

    /** A namespace is gone: forget its copies. */
    public void namespaceDeleted(String namespace) {
        copies.forgetNamespace(namespace);
    }

    /** Forgets every copy and verifies at the next full pass: another replica may have led meanwhile. */
    public void forgetAll() {
        trustedAfter = copies.sequence();
        verifiedOnce = false;
    }

    /** What the loop trusts of the copy {@code namespace/name}: our copy, recorded since this replica began leading; else null. */
    KnownCopies.KnownCopy known(String namespace, String name) {
        return trusted(new SecretKey(namespace, name));
    }

    private KnownCopies.KnownCopy trusted(SecretKey key) {
        KnownCopies.KnownCopy k = copies.get(key);
        return k != null && k.ours() && k.sequence() > trustedAfter ? k : null;
    }

    /** Credentials removed with {@code prune: true} whose copies are still to be deleted. */
    public Collection<RegistryCredential> retired() {
        return List.copyOf(retired.values());
    }

    private SyncResult pass(String kind, String onlySource, String onlyNamespace, boolean verify) {
        InjectionPolicy p = policy;
        if (p == null) {
            return SyncResult.NOTHING;
        }
        metrics.passStarted(kind);
        long start = System.nanoTime();
        List<String> nss = new ArrayList<>(onlyNamespace != null ? List.of(onlyNamespace) : namespaces.get());
        nss.sort(null);
        SyncResult done = SyncResult.NOTHING;
        for (RegistryCredential c : p.registryCredentials()) {
            if (onlySource != null && !onlySource.equals(c.source())) {
                continue;
            }
            KnownSources.KnownSource src = sources.get(sourceKey(c));
            if (src == null || src.watched() == null) {
                LOG.debugf("source=%s action=skip reason=the source has not been read yet", c.source());
                continue;
            }
            for (String ns : nss) {
                // the labels as they are now, not at the start of a long pass: a relabel meanwhile is already handled
                NamespaceFacts namespace = new NamespaceFacts(ns, labels.cached(ns));
                if (!namespace.labelsKnown() && NamespaceScope.needsLabels(p, c)) {
                    LOG.debugf("namespace=%s source=%s action=skip reason=the namespace's labels are not known yet", ns, c.source());
                    continue;
                }
                // the latest content for every namespace, so a rotation during a long pass is applied from then on
                KnownSources.KnownSource now = sources.get(sourceKey(c));
                SourceSecret content = (now != null ? now : src).secret();
                CopyDecision.Wanted want = new CopyDecision.Wanted(c.source(), content, NamespaceScope.serves(p, c, namespace, injectorNamespace), c.eager(),
                        c.prune(), trusted(new SecretKey(ns, c.targetSecretName())) != null);
                done = done.plus(writer.sync(want, ns, c.targetSecretName(), verify, onlyNamespace != null));
            }
        }
        if (onlySource == null && onlyNamespace == null) {
            for (RegistryCredential r : retired.values()) {
                SyncResult retiring = SyncResult.NOTHING;
                for (String ns : nss) {
                    retiring = retiring.plus(writer.sync(new CopyDecision.Wanted(r.source(), null, false, false, true, false), ns,
                            r.targetSecretName(), true, false));
                }
                done = done.plus(retiring);
                if (retiring.failed() == 0) {
                    retired.remove(copyKey(r), r);
                    LOG.infof("source=%s secret=%s action=retired reason=every copy it left has been deleted", r.source(), r.targetSecretName());
                }
            }
        }
        SyncResult stats = done;
        LOG.infof("action=sync-pass kind=%s%s namespaces=%d checked=%d written=%d failed=%d reads=%d took=%dms", kind,
                onlySource != null ? " source=" + onlySource : onlyNamespace != null ? " namespace=" + onlyNamespace : verify ? " verify=true" : "",
                nss.size(), stats.checked(), stats.written(), stats.failed(), stats.reads(), (System.nanoTime() - start) / 1_000_000);
        return stats;
    }

    private static boolean sameCopy(RegistryCredential a, RegistryCredential b) {
        return a.source().equals(b.source()) && a.targetSecretName().equals(b.targetSecretName());
    }

    private static SecretKey sourceKey(RegistryCredential c) {
        return new SecretKey(c.existingSecretNamespace(), c.existingSecret());
    }

    private static String copyKey(RegistryCredential c) {
        return c.source() + "->" + c.targetSecretName();
    }
}
