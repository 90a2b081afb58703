package io.pullsecretinjector.secrets.known;

import io.pullsecretinjector.config.InjectorConfig;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the one {@link KnownCopies} and the one {@link KnownSources} of the process, on {@code injector.cache-ttl} and the system clock. */
@Dependent
public class KnownState {

    @Produces
    @Singleton
    KnownCopies copies(InjectorConfig config) {
        return new KnownCopies(config.cacheTtl(), System::nanoTime);
    }

    @Produces
    @Singleton
    KnownSources sources(InjectorConfig config) {
        return new KnownSources(config.cacheTtl(), System::nanoTime);
    }
}
