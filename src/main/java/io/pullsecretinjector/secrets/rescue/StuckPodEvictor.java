package io.pullsecretinjector.secrets.rescue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.SourceRegistries;
import io.pullsecretinjector.rescue.Circumstances;
import io.pullsecretinjector.rescue.PodState;
import io.pullsecretinjector.rescue.RescueRule;
import io.pullsecretinjector.rescue.RescueVerdict;
import io.pullsecretinjector.rescue.SourcePresence;
import io.pullsecretinjector.secrets.api.ApiProblems;
import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.events.EventReason;
import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The rescue's passes: while this replica leads, it watches the Pods that can be stuck pulling,
 * judges each with {@link RescueRule}, and evicts the ones it should, oldest first, at most as fast
 * as the pace allows. An eviction the API server refuses (429: a PodDisruptionBudget) or that
 * fails is tried again after a back-off that doubles from {@link #FIRST_RETRY} to {@link #LAST_RETRY};
 * nothing is ever deleted by force. A Pod held because a new one would come back stuck is reported
 * once (a Warning Event and a log line). Remembers when it last evicted a Pod of each controller,
 * for {@link RescueRule#OWNER_MEMORY}. Each pass says when the next one is due: every
 * {@link #PERIOD}, sooner while the watch starts, when a Pod's grace period ends, or when the pace
 * allows the next eviction of a backlog. Not thread-safe: one thread runs {@link #pass()}.
 */
public final class StuckPodEvictor {

    private static final Logger LOG = Logger.getLogger(StuckPodEvictor.class);
    /** How often the stuck Pods are judged again when nothing is due sooner. */
    static final Duration PERIOD = Duration.ofSeconds(5);
    /** How soon to look again while the watch is starting. */
    static final Duration STARTING = Duration.ofSeconds(1);
    /** The shortest wait between passes. */
    static final Duration MIN_WAIT = Duration.ofMillis(100);
    static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    static final Duration LAST_RETRY = Duration.ofMinutes(5);

    /** What the evictor remembers of one stuck Pod (by uid). */
    private static final class Tracked {
        final Instant stuckSince;
        Instant retryAt;
        int failures;
        boolean reportedHold;

        Tracked(Instant stuckSince) {
            this.stuckSince = stuckSince;
        }
    }

    private final PodWatch watch;
    private final PodEvictions evictions;
    private final Supplier<InjectionPolicy> policy;
    private final NamespaceLabels namespaces;
    private final SourceRegistries registries;
    private final SourcePresence sources;
    private final CopyEvents events;
    private final RescueRule rule;
    private final Pacer pace;
    private final Duration spacing;
    private final BooleanSupplier leading;
    private final Clock clock;
    private final Map<String, Tracked> tracked = new HashMap<>();
    private boolean synced;
    private final Map<String, Instant> ownerEvictions = new HashMap<>();
    private final Map<PodEvictions.Outcome, Counter> outcomes = new EnumMap<>(PodEvictions.Outcome.class);
    private final Counter held;
    private final AtomicInteger lacking = new AtomicInteger();

    /**
     * @param policy     the policy in force, or null while none is loaded
     * @param namespaces the namespaces' labels (the leader's namespace watch; one GET for one it has not delivered)
     * @param registries the registries of credentials that take them from their Secret, as admission looks them up
     * @param sources    whether a credential's source Secret is there to be copied
     * @param perMinute  the most eviction attempts a minute, evenly spaced
     * @param leading    true while this replica holds the sync loop's Lease
     */
    public StuckPodEvictor(PodWatch watch, PodEvictions evictions, Supplier<InjectionPolicy> policy, NamespaceLabels namespaces,
                           SourceRegistries registries, SourcePresence sources, CopyEvents events, RescueRule rule, int perMinute,
                           BooleanSupplier leading, Clock clock, MeterRegistry registry) {
        this.watch = watch;
        this.evictions = evictions;
        this.policy = policy;
        this.namespaces = namespaces;
        this.registries = registries;
        this.sources = sources;
        this.events = events;
        this.rule = rule;
        this.pace = new Pacer(perMinute / 60.0, 1, () -> Duration.between(Instant.EPOCH, clock.instant()).toNanos());
        this.spacing = Duration.ofMinutes(1).dividedBy(perMinute);
        this.leading = leading;
        this.clock = clock;
        String description = "Pods stuck pulling without a credential, by what became of them: evicted, refused (429, a "
                + "PodDisruptionBudget; tried again), changed (409, judged again), gone (404), failed (tried again), held (not evicted: "
                + "a new Pod would come back stuck; counted once per Pod)";
        for (PodEvictions.Outcome o : PodEvictions.Outcome.values()) {
            outcomes.put(o, Counter.builder("pullsecret_injector_rescue_evictions").tag("outcome", o.tag()).description(description)
                    .register(registry));
        }
        held = Counter.builder("pullsecret_injector_rescue_evictions").tag("outcome", "held").description(description).register(registry);
        Gauge.builder("pullsecret_injector_rescue_stuck_pods", lacking, AtomicInteger::get)
                .description("Pods the leader sees stuck pulling without a credential the policy gives them, as of its last pass")
                .register(registry);
    }

    /**
     * One pass: starts or stops the watch as leadership says, then judges every stuck Pod and
     * evicts what it should. Returns how long to wait before the next pass.
     */
    public Duration pass() {
        if (!leading.getAsBoolean()) {
            if (watch.running()) {
                watch.stop();
                synced = false;
                LOG.info("this replica no longer leads: the rescue of stuck Pods stopped watching Pods");
            }
            tracked.clear();
            lacking.set(0);
            return PERIOD;
        }
        InjectionPolicy p = policy.get();
        if (p == null) {
            return PERIOD;
        }
        if (!watch.running()) {
            synced = false;
            watch.start();
            return STARTING;
        }
        if (!watch.synced()) {
            return STARTING;
        }
        if (!synced) {
            synced = true;
            LOG.infof("the rescue watches Pods as this replica leads: %d wait on an image pull now", watch.stuck().size());
        }
        Instant now = clock.instant();
        ownerEvictions.values().removeIf(at -> !at.plus(RescueRule.OWNER_MEMORY).isAfter(now));
        List<PodState> pods = new ArrayList<>(watch.stuck());
        Set<String> present = new HashSet<>();
        for (PodState pod : pods) {
            present.add(pod.uid());
            tracked.computeIfAbsent(pod.uid(), uid -> new Tracked(now));
        }
        tracked.keySet().retainAll(present);
        pods.sort(Comparator.comparing((PodState pod) -> tracked.get(pod.uid()).stuckSince).thenComparing(PodState::ref));
        Map<String, NamespaceFacts> facts = new HashMap<>();
        boolean paced = false;
        int stuck = 0;
        Instant next = now.plus(PERIOD);
        for (PodState pod : pods) {
            Tracked t = tracked.get(pod.uid());
            NamespaceFacts ns = facts.computeIfAbsent(pod.namespace(), this::namespace);
            Instant ownerEvicted = pod.owner() == null ? null : ownerEvictions.get(pod.owner().uid());
            RescueVerdict verdict = rule.judge(pod, new Circumstances(p, ns, registries, sources, t.stuckSince, ownerEvicted, now));
            if (verdict.action() == RescueVerdict.Action.LEAVE) {
                continue;
            }
            stuck++;
            if (verdict.action() == RescueVerdict.Action.WAIT && verdict.due().isBefore(next)) {
                next = verdict.due();
            }
            if (verdict.action() == RescueVerdict.Action.HOLD) {
                hold(pod, verdict, t);
            } else if (verdict.action() == RescueVerdict.Action.EVICT && !paced && (t.retryAt == null || !now.isBefore(t.retryAt))) {
                paced = !pace.tryAcquire();
                if (!paced) {
                    evict(pod, verdict, t, now);
                }
            }
        }
        lacking.set(stuck);
        // a hair past the next token's due time, so rounding never finds it not there yet
        if (paced && now.plus(spacing).plusMillis(1).isBefore(next)) {
            next = now.plus(spacing).plusMillis(1);
        }
        Duration wait = Duration.between(now, next);
        return wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait;
    }

    private NamespaceFacts namespace(String name) {
        Map<String, String> labels = namespaces.cached(name);
        if (labels == null) {
            try {
                labels = namespaces.read(name);
            } catch (RuntimeException e) {
                LOG.debugf("namespace=%s action=read-labels result=failed reason=%s", name, ApiProblems.namespaceLabels(e, name));
            }
        }
        return labels == null ? NamespaceFacts.unknownLabels(name) : NamespaceFacts.of(name, labels);
    }

    private void hold(PodState pod, RescueVerdict verdict, Tracked t) {
        if (t.reportedHold) {
            return;
        }
        t.reportedHold = true;
        held.increment();
        LOG.warnf("namespace=%s pod=%s owner=%s action=evict result=held reason=%s", pod.namespace(), pod.name(), pod.owner(), verdict.reason());
        events.record(EventReason.StuckPodNotEvicted, pod.namespace(), pod.name(), pod.uid(), verdict.reason());
    }

    private void evict(PodState pod, RescueVerdict verdict, Tracked t, Instant now) {
        PodEvictions.Result result = evictions.evict(pod.namespace(), pod.name(), pod.uid(), pod.resourceVersion());
        outcomes.get(result.outcome()).increment();
        switch (result.outcome()) {
            case EVICTED -> {
                ownerEvictions.put(pod.owner().uid(), now);
                tracked.remove(pod.uid());
                LOG.infof("namespace=%s pod=%s owner=%s action=evict result=evicted reason=%s", pod.namespace(), pod.name(), pod.owner(),
                        verdict.reason());
                events.record(EventReason.StuckPodEvicted, pod.namespace(), pod.name(), pod.uid(), verdict.reason());
            }
            case REFUSED, FAILED -> {
                Duration retry = backOff(t, now);
                String note = result.problem() + "; tried again in " + retry.toSeconds() + "s, never forced";
                if (result.outcome() == PodEvictions.Outcome.REFUSED) {
                    LOG.infof("namespace=%s pod=%s owner=%s action=evict result=refused reason=%s", pod.namespace(), pod.name(), pod.owner(), note);
                    events.record(EventReason.StuckPodEvictionRefused, pod.namespace(), pod.name(), pod.uid(), note);
                } else {
                    LOG.warnf("namespace=%s pod=%s owner=%s action=evict result=failed reason=%s", pod.namespace(), pod.name(), pod.owner(), note);
                }
            }
            case CHANGED -> LOG.debugf("namespace=%s pod=%s action=evict result=changed: the Pod changed since it was judged; judged again",
                    pod.namespace(), pod.name());
            case GONE -> tracked.remove(pod.uid());
        }
    }

    /** Schedules the Pod's next attempt and returns how far off it is. */
    private static Duration backOff(Tracked t, Instant now) {
        t.failures++;
        Duration d = FIRST_RETRY.multipliedBy(1L << Math.min(t.failures - 1, 10));
        if (d.compareTo(LAST_RETRY) > 0) {
            d = LAST_RETRY;
        }
        t.retryAt = now.plus(d);
        return d;
    }

    /** Stops the watch. */
    public void close() {
        watch.stop();
        tracked.clear();
    }
}
