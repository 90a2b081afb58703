package io.pullsecretinjector.secrets.sync;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pullsecretinjector.secrets.api.Pacer;
import io.pullsecretinjector.secrets.api.SecretApi;
import io.pullsecretinjector.secrets.copy.SecretKey;
import io.pullsecretinjector.secrets.copy.SourceSecret;
import io.pullsecretinjector.secrets.events.CopyEvents;
import io.pullsecretinjector.secrets.known.KnownCopies;
import io.pullsecretinjector.secrets.known.KnownSources;
import io.pullsecretinjector.secrets.watch.NamespaceLabels;
import java.time.Duration;
import java.util.Collection;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The sync loop's passes wired as production wires them, over the stores of this fixture (what is
 * known of copies and sources), with production's defaults where a test does not care.
 */
final class SyncFixture {

    /** What is known of each copy, on the system clock with a cache-ttl of a minute. */
    final KnownCopies copies = new KnownCopies(Duration.ofMinutes(1), System::nanoTime);
    /** What is known of each source; its changes go to the last synchronizer made here, as the sync loop wires it. */
    final KnownSources sources = new KnownSources(Duration.ofMinutes(1), System::nanoTime);

    /** Every call allowed at once, every full pass reading every copy, no labels known, no Events. */
    CopySynchronizer synchronizer(SecretApi api, BooleanSupplier leading, Supplier<Collection<String>> namespaces) {
        return synchronizer(api, new Pacer(1_000_000, 1_000_000, System::nanoTime), leading, namespaces, new SimpleMeterRegistry(), Duration.ZERO,
                NamespaceLabels.NONE, CopyEvents.NONE);
    }

    CopySynchronizer synchronizer(SecretApi api, Pacer pacer, BooleanSupplier leading, Supplier<Collection<String>> namespaces,
                                  MeterRegistry registry, Duration verifyPeriod, NamespaceLabels labels, CopyEvents events) {
        CopySynchronizer sync = new CopySynchronizer(api, copies, sources, pacer, "pullsecret-injector", leading, namespaces, registry,
                verifyPeriod, labels, events);
        sources.tell(sync::sourceChanged);
        return sync;
    }

    /** The source watch saw {@code ref} as {@code now} (null: it does not exist). */
    void sourceSeen(String ref, SourceSecret now) {
        sources.watched(SecretKey.parse(ref), now);
    }
}
