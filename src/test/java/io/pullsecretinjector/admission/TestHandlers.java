package io.pullsecretinjector.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.inventory.ImageInventory;
import io.pullsecretinjector.policy.ImageReferenceCache;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.secrets.admission.ApiThreadPool;
import io.pullsecretinjector.secrets.admission.BackgroundRenewals;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.admission.SecretReplicator;
import io.pullsecretinjector.secrets.admission.SourceSecrets;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.pullsecretinjector.secrets.known.KnownSources;
import java.util.function.LongSupplier;

/** A {@link PodMutationHandler} wired by hand over a given API, for tests that run without CDI. */
public final class TestHandlers {

    private TestHandlers() {
    }

    /** The handler, the background renewals its caches share and its API thread pool (tests wait for those). */
    public record Wired(PodMutationHandler handler, BackgroundRenewals renewals, ApiThreadPool pool) {
    }

    public static PodMutationHandler create(PolicyStore store, SecretApi api, InjectorConfig config, MeterRegistry metrics) {
        return wire(store, api, config, metrics, System::nanoTime).handler();
    }

    /**
     * With the caches on the given clock (nanoseconds), so a test can move time past cache-ttl. When
     * the API is also {@link NamespaceLabels} (as {@code FakeSecretApi} is), namespace labels come from it.
     */
    public static Wired wire(PolicyStore store, SecretApi api, InjectorConfig config, MeterRegistry metrics, LongSupplier cacheClock) {
        return wire(store, api, config, metrics, cacheClock, CopyEvents.NONE);
    }

    /** As {@link #wire(PolicyStore, SecretApi, InjectorConfig, MeterRegistry, LongSupplier)}, with the Events recorded there. */
    public static Wired wire(PolicyStore store, SecretApi api, InjectorConfig config, MeterRegistry metrics, LongSupplier cacheClock,
                             CopyEvents events) {
        ImageReferenceCache images = new ImageReferenceCache(ImageReferenceCache.DEFAULT_CAPACITY);
        ApiThreadPool pool = new ApiThreadPool(config);
        BackgroundRenewals renewals = new BackgroundRenewals(pool);
        SecretReplicator replicator = new SecretReplicator(api, new KnownCopies(config.cacheTtl(), cacheClock), config, metrics, renewals, events);
        NamespaceLabels labels = api instanceof NamespaceLabels n ? n : NamespaceLabels.NONE;
        SourceSecrets sources = new SourceSecrets(api, new KnownSources(config.cacheTtl(), cacheClock), renewals);
        LiveReview live = new LiveReview(store, sources, labels, replicator, config, pool,
                new ImageInventory(config.inventoryMaxImages(), System::currentTimeMillis, images), images);
        return new Wired(new PodMutationHandler(live, replicator, config, metrics), renewals, pool);
    }
}
