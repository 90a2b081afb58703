package io.pullsecretinjector.inventory;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Shares the inventory across replicas and restarts with no new moving part: four ConfigMaps
 * ({@code <prefix>-0..3}, an image goes to the shard of its hash) in the injector's namespace.
 * Every replica merges its own new sightings in at a bounded rate with optimistic concurrency
 * (a conflict puts them back for the next round), so no leader is needed and no count is lost
 * or doubled: a replica adds only what it saw since its last successful write.
 */
@ApplicationScoped
public class ImageInventoryStore {

    private static final Logger LOG = Logger.getLogger(ImageInventoryStore.class);
    /** Shards are fixed so the chart can grant exactly these ConfigMap names. */
    public static final int SHARDS = 4;
    static final String KEY = "images.json";
    /** Stay well inside the 1 MiB object limit of the API server. */
    static final int MAX_SHARD_BYTES = 900_000;
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final TypeReference<List<ImageInventory.Entry>> ENTRIES = new TypeReference<>() {
    };

    private final ImageInventory inventory;
    private final InjectorConfig config;
    private final Instance<KubernetesClient> client;
    private final Counter failures;
    private ScheduledExecutorService timer;

    public ImageInventoryStore(ImageInventory inventory, InjectorConfig config, Instance<KubernetesClient> client, MeterRegistry registry) {
        this.inventory = inventory;
        this.config = config;
        this.client = client;
        this.failures = Counter.builder("pullsecret_injector_inventory_flush_failures")
                .description("Failed writes of the shared image inventory (retried at the next flush)").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.inventoryPersist()) {
            LOG.info("image inventory kept in memory only (injector.inventory-persist=false)");
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "image-inventory-flush");
            t.setDaemon(true);
            return t;
        });
        long period = config.inventoryFlushInterval().toMillis();
        // the first round only loads what earlier runs and other replicas recorded
        timer.scheduleWithFixedDelay(this::flushQuietly, 0, period, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
            flushQuietly();
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            failures.increment();
            LOG.warnf("could not share the image inventory: %s; will retry in %s", e.getMessage(), config.inventoryFlushInterval());
        }
    }

    /** One round: read the shared record, merge this replica's sightings in, write back what changed. */
    public void flush() {
        String namespace = config.namespace();
        Map<String, ImageInventory.Entry> shared = new HashMap<>();
        ConfigMap[] read = new ConfigMap[SHARDS];
        for (int i = 0; i < SHARDS; i++) {
            read[i] = client.get().configMaps().inNamespace(namespace).withName(name(i)).get();
            for (ImageInventory.Entry e : parse(read[i])) {
                shared.put(e.image(), e);
            }
        }
        ImageInventory.Merge merge = inventory.mergeShared(shared);
        List<List<ImageInventory.Entry>> shards = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            shards.add(new ArrayList<>());
        }
        merge.entries().values().forEach(e -> shards.get(shard(e.image())).add(e));
        for (int i = 0; i < SHARDS; i++) {
            final int n = i;
            boolean touched = merge.flushed().keySet().stream().anyMatch(image -> shard(image) == n);
            if (!touched) {
                continue;
            }
            try {
                write(namespace, i, read[i], shards.get(i));
            } catch (RuntimeException e) {
                Map<String, Long> back = new HashMap<>();
                merge.flushed().forEach((image, count) -> {
                    if (shard(image) == n) {
                        back.put(image, count);
                    }
                });
                inventory.unmerge(back);
                throw e;
            }
        }
    }

    private void write(String namespace, int shard, ConfigMap existing, List<ImageInventory.Entry> entries) {
        entries.sort(Comparator.comparing(ImageInventory.Entry::lastSeen).reversed());
        String json = serialise(entries);
        while (json.length() > MAX_SHARD_BYTES && !entries.isEmpty()) {
            // the oldest sightings give way first
            entries.subList(entries.size() - Math.max(1, entries.size() / 10), entries.size()).clear();
            json = serialise(entries);
        }
        var map = client.get().configMaps().inNamespace(namespace);
        if (existing == null) {
            map.resource(new ConfigMapBuilder().withNewMetadata().withName(name(shard)).withNamespace(namespace)
                    .addToLabels(ManagedCopy.MANAGED_BY_LABEL, ManagedCopy.MANAGED_BY_VALUE).endMetadata()
                    .addToData(KEY, json).build()).create();
        } else {
            map.resource(new ConfigMapBuilder(existing).withData(Map.of(KEY, json)).build()).update();
        }
    }

    String name(int shard) {
        return config.inventoryConfigmapPrefix() + "-" + shard;
    }

    static int shard(String image) {
        return Math.floorMod(image.hashCode(), SHARDS);
    }

    private static List<ImageInventory.Entry> parse(ConfigMap cm) {
        if (cm == null || cm.getData() == null || cm.getData().get(KEY) == null) {
            return List.of();
        }
        try {
            return JSON.readValue(cm.getData().get(KEY), ENTRIES);
        } catch (java.io.IOException e) {
            LOG.warnf("ignoring unreadable image inventory in configmap %s: %s", cm.getMetadata().getName(), e.getClass().getSimpleName());
            return List.of();
        }
    }

    private static String serialise(List<ImageInventory.Entry> entries) {
        try {
            return JSON.writeValueAsString(entries);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("inventory entries are plain data", e);
        }
    }
}
