package io.pullsecretinjector.secrets.sync;

import io.pullsecretinjector.secrets.copy.CopyDecision;
import io.pullsecretinjector.secrets.watch.Namespaces;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** The sync loop's metrics: passes, writes and failures counted; managed copies, missing sources and the last full pass as gauges. */
final class SyncMetrics {

    private final MeterRegistry registry;
    private final Map<CopyDecision.Action, Counter> writes = new EnumMap<>(CopyDecision.Action.class);
    private final Map<String, Counter> runs = new ConcurrentHashMap<>();
    private final Counter failures;
    private final AtomicLong lastFullPass = new AtomicLong();
    /** Held here: a gauge keeps only a weak reference to what it reads. */
    private final LongSupplier managed;
    private final LongSupplier managedNamespaces;
    private final LongSupplier missingSources;

    /**
     * @param managed           how many copies of ours the loop last saw in place
     * @param managedNamespaces how many namespaces hold at least one of them
     * @param missingSources    how many sources the policy names do not exist
     */
    SyncMetrics(MeterRegistry registry, LongSupplier managed, LongSupplier managedNamespaces, LongSupplier missingSources) {
        this.registry = registry;
        this.managed = managed;
        this.managedNamespaces = managedNamespaces;
        this.missingSources = missingSources;
        for (CopyDecision.Action a : List.of(CopyDecision.Action.CREATE, CopyDecision.Action.UPDATE, CopyDecision.Action.DELETE)) {
            writes.put(a, Counter.builder("pullsecret_injector_sync_writes").description("Copies written by the sync loop, by action")
                    .tag("action", a.name().toLowerCase()).register(registry));
        }
        failures = Counter.builder("pullsecret_injector_sync_failures").description("Copies the sync loop could not handle (retried by a later pass)")
                .register(registry);
        Gauge.builder("pullsecret_injector_managed_copies", this, m -> m.managed.getAsLong())
                .description("Copies made by the injector that the sync loop last saw in place").register(registry);
        Gauge.builder("pullsecret_injector_managed_copy_namespaces", this, m -> m.managedNamespaces.getAsLong())
                .description("Namespaces holding at least one copy made by the injector").register(registry);
        Gauge.builder("pullsecret_injector_sync_last_full_pass_timestamp_seconds", lastFullPass, t -> t.get() / 1000.0)
                .description("When the last full pass over every namespace finished (0: none yet)").register(registry);
        Gauge.builder("pullsecret_injector_sources_missing", this, m -> m.missingSources.getAsLong())
                .description("Source Secrets named by the policy that do not exist; their copies are kept as they are").register(registry);
    }

    void passStarted(String kind) {
        runs.computeIfAbsent(kind, k -> Counter.builder("pullsecret_injector_sync_runs").description("Sync passes run, by kind")
                .tag("kind", k).register(registry)).increment();
    }

    void fullPassFinished() {
        lastFullPass.set(System.currentTimeMillis());
    }

    void written(CopyDecision.Action action) {
        writes.get(action).increment();
    }

    void failed() {
        failures.increment();
    }
}
