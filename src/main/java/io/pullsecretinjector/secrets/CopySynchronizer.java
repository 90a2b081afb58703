package io.pullsecretinjector.secrets;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.NamespaceScope;
import io.pullsecretinjector.policy.RegistryCredential;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The passes of the sync loop: for each (credential, namespace) it GETs the copy by name, asks
 * {@link CopyPlan} what to do and does it. Finds copies only by enumerating namespaces and getting
 * the target name: it never lists Secrets. Every call waits for the {@link Pacer}; every write
 * first checks that this replica still leads, so a replica that lost the lease stops writing at
 * once. Never throws for one copy: a failure is logged, counted, and repaired by a later pass.
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

    private final SecretApi api;
    private final Pacer pacer;
    private final String injectorNamespace;
    private final BooleanSupplier leading;
    private final Supplier<Collection<String>> namespaces;
    private final BiConsumer<String, String> changed;
    private final NamespaceLabels labels;
    private final CopyEvents events;
    private final Map<String, SourceState> sources = new ConcurrentHashMap<>();
    private final Map<String, RegistryCredential> retired = new ConcurrentHashMap<>();
    private final Set<String> managed = ConcurrentHashMap.newKeySet();
    private volatile InjectionPolicy policy;

    private final SyncMetrics metrics;

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
        this(api, pacer, injectorNamespace, leading, namespaces, changed, registry, NamespaceLabels.NONE, CopyEvents.NONE);
    }

    /**
     * @param labels the namespaces' labels, from memory: a credential with a namespaceSelector is left
     *               alone in a namespace whose labels are not known (neither created nor pruned)
     * @param events where the copies written, deleted or failed, and missing sources, are reported
     */
    public CopySynchronizer(SecretApi api, Pacer pacer, String injectorNamespace, BooleanSupplier leading,
                            Supplier<Collection<String>> namespaces, BiConsumer<String, String> changed, MeterRegistry registry,
                            NamespaceLabels labels, CopyEvents events) {
        this.api = api;
        this.labels = labels;
        this.events = events;
        this.pacer = pacer;
        this.injectorNamespace = injectorNamespace;
        this.leading = leading;
        this.namespaces = namespaces;
        this.changed = changed;
        this.metrics = new SyncMetrics(registry, managed, () -> sources.values().stream().filter(v -> v.known && v.secret == null).count());
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

    /** Every credential in every namespace, then the credentials retired with prune. */
    public Stats fullPass() {
        Stats s = pass("full", null, null);
        metrics.fullPassFinished();
        return s;
    }

    /** Every credential with this source, in every namespace. */
    public Stats sourcePass(String sourceRef) {
        return pass("source", sourceRef, null);
    }

    /** Every credential in one namespace (a new namespace). */
    public Stats namespacePass(String namespace) {
        return pass("namespace", null, namespace);
    }

    /** A namespace is gone: forget its copies. */
    public void namespaceDeleted(String namespace) {
        managed.removeIf(k -> k.startsWith(namespace + "/"));
    }

    /** Credentials removed with {@code prune: true} whose copies are still to be deleted. */
    public Collection<RegistryCredential> retired() {
        return List.copyOf(retired.values());
    }

    private Stats pass(String kind, String onlySource, String onlyNamespace) {
        InjectionPolicy p = policy;
        if (p == null) {
            return new Stats(0, 0, 0);
        }
        metrics.passStarted(kind);
        long start = System.nanoTime();
        List<String> nss = new ArrayList<>(onlyNamespace != null ? List.of(onlyNamespace) : namespaces.get());
        nss.sort(null);
        int[] counts = new int[3];
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
                        c.prune(), managed.contains(ns + "/" + c.targetSecretName()));
                one(want, ns, c.targetSecretName(), counts);
            }
        }
        if (onlySource == null && onlyNamespace == null) {
            for (RegistryCredential r : retired.values()) {
                int failedBefore = counts[2];
                for (String ns : nss) {
                    one(new CopyPlan.Desired(r.source(), null, false, false, true), ns, r.targetSecretName(), counts);
                }
                if (counts[2] == failedBefore) {
                    retired.remove(copyKey(r), r);
                    LOG.infof("source=%s secret=%s action=retired reason=every copy it left has been deleted", r.source(), r.targetSecretName());
                }
            }
        }
        Stats stats = new Stats(counts[0], counts[1], counts[2]);
        LOG.infof("action=sync-pass kind=%s%s namespaces=%d checked=%d written=%d failed=%d took=%dms", kind,
                onlySource != null ? " source=" + onlySource : onlyNamespace != null ? " namespace=" + onlyNamespace : "",
                nss.size(), stats.checked(), stats.written(), stats.failed(), (System.nanoTime() - start) / 1_000_000);
        return stats;
    }

    private void one(CopyPlan.Desired want, String namespace, String name, int[] counts) {
        checkLeading();
        String key = namespace + "/" + name;
        CopyPlan.Action action = CopyPlan.Action.NOOP;
        try {
            pace();
            Secret actual = api.get(namespace, name);
            counts[0]++;
            CopyPlan.Step step = CopyPlan.plan(want, namespace, name, actual);
            action = step.action();
            if (actual != null && ManagedCopy.isOurs(actual, want.sourceRef())) {
                managed.add(key);
            } else if (actual == null) {
                managed.remove(key);
            }
            if (action == CopyPlan.Action.NOOP) {
                LOG.debugf("namespace=%s secret=%s source=%s action=none reason=%s", namespace, name, want.sourceRef(), step.reason());
                return;
            }
            checkLeading();
            pace();
            switch (action) {
                case CREATE -> api.create(ManagedCopy.desired(want.source(), namespace, name));
                case UPDATE -> api.update(ManagedCopy.updated(actual, want.source()));
                case DELETE -> api.delete(actual);
                default -> throw new IllegalStateException(action.name());
            }
            if (action == CopyPlan.Action.DELETE) {
                managed.remove(key);
            } else {
                managed.add(key);
            }
            counts[1]++;
            metrics.written(action);
            changed.accept(namespace, name);
            LOG.infof("namespace=%s secret=%s source=%s action=%s reason=%s", namespace, name, want.sourceRef(),
                    action.name().toLowerCase(), step.reason());
            events.record(action == CopyPlan.Action.CREATE ? EventReason.CopyCreated
                            : action == CopyPlan.Action.UPDATE ? EventReason.CopyUpdated : EventReason.CopyDeleted,
                    namespace, name, "Sync loop, source " + want.sourceRef() + ": " + step.reason());
        } catch (Stopped e) {
            throw e;
        } catch (KubernetesClientException e) {
            checkLeading(); // a call cut short by the loop stopping is no failure
            counts[2]++;
            metrics.failed();
            String verb = action == CopyPlan.Action.NOOP ? "get" : action.name().toLowerCase();
            String why = ApiProblems.describe(e, verb, "secret " + key, namespace).replace("the next Pod will retry", "the next pass retries");
            LOG.warnf("namespace=%s secret=%s source=%s action=%s result=failed reason=%s", namespace, name, want.sourceRef(), verb, why);
            events.record(EventReason.CopyFailed, namespace, name, "Sync loop, source " + want.sourceRef() + ": " + why);
        } catch (RuntimeException e) {
            counts[2]++;
            metrics.failed();
            LOG.errorf(e, "namespace=%s secret=%s source=%s action=%s result=failed reason=unexpected error", namespace, name,
                    want.sourceRef(), action.name().toLowerCase());
        }
    }

    private void checkLeading() {
        if (!leading.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new Stopped();
        }
    }

    private void pace() {
        try {
            pacer.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    private static boolean sameCopy(RegistryCredential a, RegistryCredential b) {
        return a.source().equals(b.source()) && a.targetSecretName().equals(b.targetSecretName());
    }

    private static String copyKey(RegistryCredential c) {
        return c.source() + "->" + c.targetSecretName();
    }
}
