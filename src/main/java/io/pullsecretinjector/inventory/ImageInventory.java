package io.pullsecretinjector.inventory;

import io.pullsecretinjector.policy.ImageReferenceCache;
import io.pullsecretinjector.policy.PodFacts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Every image seen in a Pod CREATE, keyed by its normalised reference: the list of what to mirror
 * for an air-gapped cluster, taken from what really runs (sidecars injected at runtime included)
 * instead of a regex over rendered manifests. Bounded: past {@code maxImages} the least recently
 * seen entries are evicted and counted.
 */
public class ImageInventory {

    /** How many spellings of one image are kept ({@code nginx}, {@code docker.io/library/nginx}, ...). */
    static final int MAX_REFERENCES = 3;
    /** How many namespaces are kept per image. */
    static final int MAX_NAMESPACES = 20;

    /**
     * One image.
     *
     * @param image      normalised {@code registry/repository[:tag][@digest]}
     * @param registry   its registry host
     * @param references how Pods wrote it (at most {@value #MAX_REFERENCES})
     * @param namespaces where it was seen (at most {@value #MAX_NAMESPACES})
     * @param firstSeen  first sighting
     * @param lastSeen   last sighting
     * @param count      sightings, one per container per Pod
     */
    public record Entry(String image, String registry, List<String> references, List<String> namespaces,
                        Instant firstSeen, Instant lastSeen, long count) {
    }

    private static final class Sightings {
        final String image;
        final String registry;
        final Set<String> references = new LinkedHashSet<>();
        final Set<String> namespaces = new LinkedHashSet<>();
        long firstSeen;
        long lastSeen;
        long count;
        /** Sightings not yet written to the shared store. */
        long unflushed;

        Sightings(String image, String registry, long now) {
            this.image = image;
            this.registry = registry;
            this.firstSeen = now;
            this.lastSeen = now;
        }

        synchronized void seen(String reference, String namespace, long now) {
            if (references.size() < MAX_REFERENCES) {
                references.add(reference);
            }
            if (namespaces.size() < MAX_NAMESPACES || namespaces.contains(namespace)) {
                namespaces.add(namespace);
            }
            lastSeen = Math.max(lastSeen, now);
            count++;
            unflushed++;
        }

        synchronized Entry entry() {
            return new Entry(image, registry, List.copyOf(references), List.copyOf(namespaces),
                    Instant.ofEpochMilli(firstSeen), Instant.ofEpochMilli(lastSeen), count);
        }
    }

    private final int maxImages;
    private final LongSupplier clock;
    private final Map<String, Sightings> images = new ConcurrentHashMap<>();
    private final ImageReferenceCache parsed;
    private final AtomicLong evicted = new AtomicLong();

    public ImageInventory(int maxImages, LongSupplier clockMillis) {
        this(maxImages, clockMillis, new ImageReferenceCache(ImageReferenceCache.DEFAULT_CAPACITY));
    }

    /** @param images where parsed image references are kept; the webhook shares its one with the policy evaluator */
    public ImageInventory(int maxImages, LongSupplier clockMillis, ImageReferenceCache images) {
        this.maxImages = Math.max(1, maxImages);
        this.clock = clockMillis;
        this.parsed = images;
    }

    /** Records the images of one Pod created in {@code namespace}. */
    public void record(String namespace, List<PodFacts.ContainerImage> containers) {
        long now = clock.getAsLong();
        for (PodFacts.ContainerImage c : containers) {
            ImageReferenceCache.Parsed p = parsed.parsed(c.image());
            Sightings s = images.get(p.normalised());
            if (s == null) {
                s = images.computeIfAbsent(p.normalised(), k -> new Sightings(k, p.reference().registry(), now));
            }
            s.seen(c.image(), namespace, now);
        }
        if (images.size() > maxImages) {
            evict();
        }
    }

    /** Every entry, sorted by image. */
    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>(images.size());
        images.values().forEach(s -> out.add(s.entry()));
        out.sort(Comparator.comparing(Entry::image));
        return out;
    }

    /** Entries evicted since start because the inventory was full. */
    public long evicted() {
        return evicted.get();
    }

    public int size() {
        return images.size();
    }

    public int capacity() {
        return maxImages;
    }

    /**
     * Folds the shared record into this one and returns, per image, the sightings this replica
     * had not yet shared, resetting them: the caller writes the merged view back.
     */
    synchronized Merge mergeShared(Map<String, Entry> shared) {
        Map<String, Entry> merged = new java.util.HashMap<>(shared);
        Map<String, Long> flushed = new java.util.HashMap<>();
        for (Sightings s : images.values()) {
            synchronized (s) {
                Entry remote = shared.get(s.image);
                if (remote != null) {
                    s.firstSeen = Math.min(s.firstSeen, remote.firstSeen().toEpochMilli());
                    s.lastSeen = Math.max(s.lastSeen, remote.lastSeen().toEpochMilli());
                    // the shared count already holds what this replica flushed before
                    s.count = remote.count() + s.unflushed;
                    for (String r : remote.references()) {
                        if (s.references.size() < MAX_REFERENCES) {
                            s.references.add(r);
                        }
                    }
                    for (String n : remote.namespaces()) {
                        if (s.namespaces.size() < MAX_NAMESPACES) {
                            s.namespaces.add(n);
                        }
                    }
                }
                if (s.unflushed > 0) {
                    flushed.put(s.image, s.unflushed);
                }
                s.unflushed = 0;
                merged.put(s.image, s.entry());
            }
        }
        for (Entry e : shared.values()) {
            images.computeIfAbsent(e.image(), k -> {
                Sightings s = new Sightings(e.image(), e.registry(), e.firstSeen().toEpochMilli());
                s.lastSeen = e.lastSeen().toEpochMilli();
                s.count = e.count();
                s.references.addAll(e.references());
                s.namespaces.addAll(e.namespaces());
                return s;
            });
        }
        if (images.size() > maxImages) {
            evict();
        }
        return new Merge(merged, flushed);
    }

    /**
     * The shared view after a merge, and the sightings of this replica it newly carries.
     *
     * @param entries every image, shared and local
     * @param flushed per image, the sightings taken out of this replica's unshared count
     */
    record Merge(Map<String, Entry> entries, Map<String, Long> flushed) {
    }

    /** Gives back sightings whose write failed, so the next flush carries them. */
    synchronized void unmerge(Map<String, Long> unflushed) {
        unflushed.forEach((image, n) -> {
            Sightings s = images.get(image);
            if (s != null) {
                synchronized (s) {
                    s.unflushed += n;
                }
            }
        });
    }

    private synchronized void evict() {
        int excess = images.size() - maxImages;
        if (excess <= 0) {
            return;
        }
        // evict a tenth more than needed, so a full inventory does not sort on every Pod
        int toRemove = Math.min(images.size(), excess + Math.max(1, maxImages / 10));
        List<Sightings> oldest = new ArrayList<>(images.values());
        oldest.sort(Comparator.comparingLong(s -> s.lastSeen));
        for (int i = 0; i < toRemove; i++) {
            images.remove(oldest.get(i).image);
            evicted.incrementAndGet();
        }
    }
}
