package io.pullsecretinjector.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.inventory.ImageInventory;
import io.pullsecretinjector.policy.ImageReferenceCache;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.secrets.SecretApi;
import io.pullsecretinjector.secrets.SecretReplicator;
import io.pullsecretinjector.secrets.SourceSecrets;
import java.util.function.LongSupplier;

/** A {@link PodMutationHandler} wired by hand over a given API, for tests that run without CDI. */
public final class TestHandlers {

    private TestHandlers() {
    }

    public static PodMutationHandler create(PolicyStore store, SecretApi api, InjectorConfig config, MeterRegistry metrics) {
        return create(store, api, config, metrics, System::nanoTime);
    }

    /** With the caches on the given clock (nanoseconds), so a test can move time past cache-ttl. */
    public static PodMutationHandler create(PolicyStore store, SecretApi api, InjectorConfig config, MeterRegistry metrics,
                                            LongSupplier cacheClock) {
        ImageReferenceCache images = new ImageReferenceCache(ImageReferenceCache.DEFAULT_CAPACITY);
        return new PodMutationHandler(store, new SourceSecrets(api, config.cacheTtl(), cacheClock),
                new SecretReplicator(api, config, metrics, cacheClock), config,
                new ApiThreadPool(config), new ImageInventory(config.inventoryMaxImages(), System::currentTimeMillis, images), images, metrics);
    }
}
