package io.pullsecretinjector.admission;

import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.inventory.ImageInventory;
import io.pullsecretinjector.policy.PolicyStore;
import io.pullsecretinjector.secrets.SecretApi;
import io.pullsecretinjector.secrets.SecretReplicator;
import io.pullsecretinjector.secrets.SourceSecrets;

/** A {@link PodMutationHandler} wired by hand over a given API, for tests that run without CDI. */
public final class TestHandlers {

    private TestHandlers() {
    }

    public static PodMutationHandler create(PolicyStore store, SecretApi api, InjectorConfig config, MeterRegistry metrics) {
        return new PodMutationHandler(store, new SourceSecrets(api, config), new SecretReplicator(api, config, metrics), config,
                new ApiThreadPool(config), new ImageInventory(config.inventoryMaxImages(), System::currentTimeMillis), metrics);
    }
}
