package io.pullsecretinjector.policy;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The policy in force: the last one that parsed, whatever came after it. An invalid document is
 * refused with every error logged and kept for the readiness detail, and the previous policy stays.
 */
@ApplicationScoped
public class PolicyStore {

    private static final Logger LOG = Logger.getLogger(PolicyStore.class);

    /**
     * A policy in force.
     *
     * @param policy   the policy
     * @param origin   where it came from ({@code file /etc/policy.yaml}, {@code configmap ns/name})
     * @param loadedAt when it was applied
     */
    public record Loaded(InjectionPolicy policy, String origin, Instant loadedAt) {
    }

    /**
     * The last refused document.
     *
     * @param origin   where it came from
     * @param message  every error, one per line
     * @param at       when it was refused
     */
    public record Refusal(String origin, String message, Instant at) {
    }

    private final PolicyParser parser = new PolicyParser();
    private final AtomicReference<Loaded> current = new AtomicReference<>();
    private final AtomicReference<Refusal> lastRefusal = new AtomicReference<>();
    private final AtomicLong refusals = new AtomicLong();
    private final List<Consumer<Loaded>> listeners = new CopyOnWriteArrayList<>();

    /**
     * Calls {@code listener} with every policy applied from now on, on the thread that applied it
     * (keep it short: hand real work to another thread). A refused document calls nobody.
     */
    public void onApply(Consumer<Loaded> listener) {
        listeners.add(listener);
    }

    /** The policy in force, or null before the first valid one. */
    public Loaded current() {
        return current.get();
    }

    /** The last refusal since the policy in force was applied, or null. */
    public Refusal lastRefusal() {
        return lastRefusal.get();
    }

    /** How many documents were refused since start. */
    public long refusals() {
        return refusals.get();
    }

    /** Parses and, when valid, applies a document. Returns the parse result either way. */
    public PolicyParseResult apply(String document, String origin) {
        PolicyParseResult result = parser.parse(document);
        if (result.valid()) {
            Loaded loaded = new Loaded(result.policy(), origin, Instant.now());
            current.set(loaded);
            lastRefusal.set(null);
            LOG.infof("policy loaded from %s: %d registry credential(s)", origin, result.policy().registryCredentials().size());
            for (Consumer<Loaded> listener : listeners) {
                try {
                    listener.accept(loaded);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "a policy listener failed; the policy from %s is in force regardless", origin);
                }
            }
        } else {
            refuse(origin, result.describeErrors());
        }
        return result;
    }

    /** Records that a policy could not be read at all (file or ConfigMap missing, unreadable). */
    public void refuse(String origin, String message) {
        lastRefusal.set(new Refusal(origin, message, Instant.now()));
        refusals.incrementAndGet();
        Loaded kept = current.get();
        LOG.errorf("policy from %s refused; %s. Problems:\n%s", origin,
                kept == null ? "no policy is in force yet, so no Pod is mutated until a valid one is applied"
                        : "the policy loaded from " + kept.origin() + " at " + kept.loadedAt() + " stays in force",
                message);
    }
}
