package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.CopyPlan;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.events.EventReason;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import io.fabric8.kubernetes.api.model.Secret;
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
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The passes of the sync loop: for each (credential, namespace) it says what the policy wants of
 * the copy, and {@link SyncCopyWriter} decides with {@link CopyPlan} and does it. Finds copies only
 * by enumerating namespaces and getting the target name: it never lists Secrets. Every call waits
 * for the {@link Pacer}; every write first checks that this replica still leads, so a replica that
 * lost the lease stops writing at once. Never throws for one copy: a failure is logged, counted,
 * and repaired by a later pass.
 *
 * <p>The loop remembers, per copy of ours, what its own last read or write showed ({@link KnownCopies}: the
 * resourceVersion and the content hash), so most copies need no read:
 * <ul>
 * <li>a copy known to hold the source's content costs no call (the resync between verifications);
 * <li>a copy known to be ours but stale is written with one conditional update: the whole copy as
 *     {@link ManagedCopy#desired} builds it, at the remembered resourceVersion. Any change since
 *     that read or write, by anyone (a foreign Secret put in its place, a label added, a deletion),
 *     changes the resourceVersion, so the API server refuses the update (409, or 404 when gone) and
 *     the copy is read and judged by {@link CopyPlan} as if unknown. A foreign Secret is never
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

    /**
     * What one pass did.
     *
     * @param checked  copies looked at
     * @param written  copies created, updated or deleted
     * @param failed   copies that could not be handled
     */
    public record Stats(int checked, int written, int failed) {
    }

    /** A source as the watch last saw it: known (present or missing) or not read yet. */
    private record SourceState(SourceSecret secret, boolean known) {
    }

    private final String injectorNamespace;
    private final BooleanSupplier leading;
    private final Supplier<Collection<String>> namespaces;
    private final NamespaceLabels labels;
    private final CopyEvents events;
    private final Map<String, SourceState> sources = new ConcurrentHashMap<>();
    private final Map<String, RegistryCredential> retired = new ConcurrentHashMap<>();
    /** {@code namespace/name} of each copy of ours the loop last saw in place, with what it knew of it. */
    private final KnownCopies known = new KnownCopies();
    private final long verifyNanos;
    private volatile long lastVerified;
    private volatile boolean verifiedOnce;
    private volatile InjectionPolicy policy;

    private final SyncMetrics metrics;
    private final SyncCopyWriter copies;

    /**
     * @param api               the Secret calls
     * @param pacer             paces every call
     * @param injectorNamespace never served
     * @param leading           true while this replica may write
     * @param namespaces        the namespaces that exist now (not terminating)
     * @param changed           told (namespace, name) after each write, so admission's memory forgets the copy
     * @param registry          where the metrics go
     */
    public CopySynchronizer(SecretApi api, Pacer pacer, String injectorNamespace, BooleanSupplier leading,
                            Supplier<Collection<String>> namespaces, BiConsumer<String, String> changed, MeterRegistry registry) {
        this(api, pacer, injectorNamespace, leading, namespaces, changed, registry, Duration.ZERO, NamespaceLabels.NONE, CopyEvents.NONE);
    }

    /**
     * @param verifyPeriod how often a full pass reads every copy again instead of trusting what it
     *                     knows (zero: every full pass reads every copy)
     * @param labels       the namespaces' labels, from memory: a credential with a namespaceSelector is left
     *                     alone in a namespace whose labels are not known (neither created nor pruned)
     * @param events       where the copies written, deleted or failed, and missing sources, are reported
     */
    public CopySynchronizer(SecretApi api, Pacer pacer, String injectorNamespace, BooleanSupplier leading,
                            Supplier<Collection<String>> namespaces, BiConsumer<String, String> changed, MeterRegistry registry,
                            Duration verifyPeriod, NamespaceLabels labels, CopyEvents events) {
        this.verifyNanos = verifyPeriod.toNanos();
        this.labels = labels;
        this.events = events;
        this.injectorNamespace = injectorNamespace;
        this.leading = leading;
        this.namespaces = namespaces;
        this.metrics = new SyncMetrics(registry, known.keys(), () -> sources.values().stream().filter(v -> v.known && v.secret == null).count());
        this.copies = new SyncCopyWriter(api, pacer, leading, known, metrics, changed, events);
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
        sources.keySet().retainAll(next.registryCredentials().stream().map(RegistryCredential::source).toList());
        this.policy = next;
    }

    /** The watch saw the source (null: it does not exist). Returns true when its content differs from what was known. */
    public boolean sourceSeen(String ref, SourceSecret secret) {
        SourceState before = sources.put(ref, new SourceState(secret, true));
        if (secret == null) {
            if (before == null || before.secret != null) {
                LOG.warnf("source=%s action=source-missing reason=the source Secret does not exist; every copy is kept as it is, "
                        + "new namespaces get none until it is recreated", ref);
                if (leading.getAsBoolean()) {
                    String[] nsName = ref.split("/", 2);
                    events.record(EventReason.SourceMissing, nsName[0], nsName[1], "The source Secret " + ref + " named by the injection "
                            + "policy does not exist: copies already made are kept as they are, and namespaces without one get none. "
                            + "Recreate it, or fix existingSecret/existingSecretNamespace in the policy");
                }
            }
            return before == null || before.secret != null;
        }
        return before == null || before.secret == null || !before.secret.hash().equals(secret.hash());
    }

    /**
     * Every credential in every namespace, then the credentials retired with prune. Reads every copy
     * when the last full pass that did is older than the verify period (and the first time);
     * otherwise trusts what it knows.
     */
    public Stats fullPass() {
        boolean verify = !verifiedOnce || System.nanoTime() - lastVerified >= verifyNanos;
        long start = System.nanoTime();
        Stats s = pass("full", null, null, verify);
        if (verify) {
            lastVerified = start;
            verifiedOnce = true;
        }
        metrics.fullPassFinished();
        return s;
    }

    /** Every credential with this source, in every namespace. */
    public Stats sourcePass(String sourceRef) {
        return pass("source", sourceRef, null, false);
    }

    /** Every credential in one namespace (a new namespace). */
    public Stats namespacePass(String namespace) {
        return pass("namespace", null, namespace, false);
    }

    /** A namespace is gone: forget its copies. */
    public void namespaceDeleted(String namespace) {
        known.forgetNamespace(namespace);
    }

    /**
     * A Secret was written by this process (admission or the loop), as the API server returned it:
     * when it is a copy of a source the loop knows, remember it, so the loop needs no read of a copy
     * admission just made. Anything else is ignored.
     */
    public void learned(Secret written) {
        if (written == null || written.getMetadata() == null || written.getMetadata().getAnnotations() == null) {
            return;
        }
        String ref = written.getMetadata().getAnnotations().get(ManagedCopy.SOURCE_ANNOTATION);
        SourceState src = ref == null ? null : sources.get(ref);
        if (src == null || src.secret == null || !ManagedCopy.isOurs(written, ref)) {
            return;
        }
        known.remember(written.getMetadata().getNamespace() + "/" + written.getMetadata().getName(), written, src.secret);
    }

    /** Forgets every copy and verifies at the next full pass: another replica may have led meanwhile. */
    public void forgetAll() {
        known.clear();
        verifiedOnce = false;
    }

    /** What the loop knows of the copy {@code namespace/name}, or null; for tests and the memory figure of the bench. */
    KnownCopies.Known known(String namespace, String name) {
        return known.get(namespace + "/" + name);
    }

    /** Credentials removed with {@code prune: true} whose copies are still to be deleted. */
    public Collection<RegistryCredential> retired() {
        return List.copyOf(retired.values());
    }

    private Stats pass(String kind, String onlySource, String onlyNamespace, boolean verify) {
        InjectionPolicy p = policy;
        if (p == null) {
            return new Stats(0, 0, 0);
        }
        metrics.passStarted(kind);
        long start = System.nanoTime();
        List<String> nss = new ArrayList<>(onlyNamespace != null ? List.of(onlyNamespace) : namespaces.get());
        nss.sort(null);
        int[] counts = new int[4];
        for (RegistryCredential c : p.registryCredentials()) {
            if (onlySource != null && !onlySource.equals(c.source())) {
                continue;
            }
            SourceState src = sources.get(c.source());
            if (src == null) {
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
                SourceState now = sources.getOrDefault(c.source(), src);
                CopyPlan.Desired want = new CopyPlan.Desired(c.source(), now.secret, NamespaceScope.serves(p, c, namespace, injectorNamespace), c.eager(),
                        c.prune(), known.contains(ns + "/" + c.targetSecretName()));
                copies.sync(want, ns, c.targetSecretName(), counts, verify, onlyNamespace != null);
            }
        }
        if (onlySource == null && onlyNamespace == null) {
            for (RegistryCredential r : retired.values()) {
                int failedBefore = counts[2];
                for (String ns : nss) {
                    copies.sync(new CopyPlan.Desired(r.source(), null, false, false, true), ns, r.targetSecretName(), counts, true, false);
                }
                if (counts[2] == failedBefore) {
                    retired.remove(copyKey(r), r);
                    LOG.infof("source=%s secret=%s action=retired reason=every copy it left has been deleted", r.source(), r.targetSecretName());
                }
            }
        }
        Stats stats = new Stats(counts[0], counts[1], counts[2]);
        LOG.infof("action=sync-pass kind=%s%s namespaces=%d checked=%d written=%d failed=%d reads=%d took=%dms", kind,
                onlySource != null ? " source=" + onlySource : onlyNamespace != null ? " namespace=" + onlyNamespace : verify ? " verify=true" : "",
                nss.size(), stats.checked(), stats.written(), stats.failed(), counts[3], (System.nanoTime() - start) / 1_000_000);
        return stats;
    }

    private static boolean sameCopy(RegistryCredential a, RegistryCredential b) {
        return a.source().equals(b.source()) && a.targetSecretName().equals(b.targetSecretName());
    }

    private static String copyKey(RegistryCredential c) {
        return c.source() + "->" + c.targetSecretName();
    }
}
