package io.pullsecretinjector.secrets.events;

import io.pullsecretinjector.secrets.api.Pacer;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pullsecretinjector.config.InjectorConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Records {@link CopyEvents} as {@code events.k8s.io/v1} Events, aggregated and rate-bounded.
 *
 * <p>{@link #record} only notes the occurrence in memory, on the caller's thread, and returns: the
 * API writes happen on this recorder's own thread, so no Pod and no sync pass ever waits for an
 * Event. Occurrences of one reason about one Secret are one Event: the first is created, repeats
 * patch its {@code series} (count and last time) instead of creating an Event per Pod. Writes take
 * a token from a bucket ({@code injector.event-qps}, {@code injector.event-burst}); when none is
 * left, the occurrences wait in memory and reach the API server folded into the series count of a
 * later write, so a namespace creating a thousand Pods a minute costs a few writes a second at most.
 * A repeat after {@link #QUIET} of silence starts a new Event. Warnings are written before Normal
 * Events: a rotation across thousands of namespaces queues a {@code CopyUpdated} per copy, and a
 * {@code CopyFailed} must not wait behind them. At most {@link #MAX_SERIES} Secrets are tracked at
 * once; beyond that a new Normal occurrence is dropped, and a new Warning takes the place of a
 * Normal series not written yet (both counted as dropped).
 */
@ApplicationScoped
public class EventRecorder implements CopyEvents, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventRecorder.class);

    /** The reporting controller of every Event the injector records. */
    public static final String CONTROLLER = "pullsecret-injector.io/injector";
    /** The API server refuses a longer note. */
    static final int MAX_NOTE_BYTES = 1024;
    /** A repeat after this much silence is a new Event, not the old series. */
    static final Duration QUIET = Duration.ofMinutes(10);
    /** The most Secrets whose occurrences are kept in memory at once. */
    static final int MAX_SERIES = 10_000;

    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** @param uid the regarded object's uid, or null (Secrets are named by namespace and name alone) */
    private record Key(String namespace, String name, EventReason reason, String uid) {
    }

    private static final Comparator<Key> WARNINGS_FIRST = Comparator.comparing(k -> !k.reason.warning());

    /**
     * What is known of one series: its occurrences and what of them has been written.
     *
     * @param eventName the Event created for it, or null before the first write
     * @param count     occurrences so far
     * @param written   occurrences the Event says
     */
    private record Series(String eventName, int count, int written, Instant first, Instant last, String note, long lastNanos) {
        Series seen(String note, Instant now, long nanos) {
            return new Series(eventName, count + 1, written, first, now, note, nanos);
        }

        Series wrote(String name, int upTo) {
            return new Series(name, count, Math.max(written, upTo), first, last, note, lastNanos);
        }
    }

    private final EventApi api;
    private final Pacer bucket;
    private final String instance;
    private final Map<Key, Series> series = new ConcurrentHashMap<>();
    private final Set<Key> dirty = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService worker;
    private final Counter created;
    private final Counter patched;
    private final Counter failed;
    private final Counter dropped;

    @Inject
    public EventRecorder(EventApi api, InjectorConfig config, MeterRegistry registry) {
        this(api, config.eventQps(), config.eventBurst(), config.leaderIdentity(), registry, true);
    }

    /**
     * @param instance  this replica's name, the Events' reporting instance
     * @param autoFlush write from a thread of its own every 200 ms; false: only when {@link #flush()} is called (tests)
     */
    public EventRecorder(EventApi api, double qps, int burst, String instance, MeterRegistry registry, boolean autoFlush) {
        this.api = api;
        this.bucket = new Pacer(qps, burst, System::nanoTime);
        this.instance = instance.length() > 128 ? instance.substring(0, 128) : instance;
        this.created = counter(registry, "created");
        this.patched = counter(registry, "patched");
        this.failed = counter(registry, "failed");
        this.dropped = counter(registry, "dropped");
        if (autoFlush) {
            worker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "event-recorder");
                t.setDaemon(true);
                return t;
            });
            worker.scheduleWithFixedDelay(this::flush, 200, 200, TimeUnit.MILLISECONDS);
        } else {
            worker = null;
        }
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder("pullsecret_injector_events").tag("result", result)
                .description("Kubernetes Event writes: created, patched (a repeat added to a series), failed, "
                        + "dropped (too many Secrets with Events pending at once)")
                .register(registry);
    }

    @Override
    public void record(EventReason reason, String namespace, String name, String note) {
        record(reason, namespace, name, null, note);
    }

    @Override
    public void record(EventReason reason, String namespace, String name, String uid, String note) {
        try {
            Key key = new Key(namespace, name, reason, uid);
            if (series.size() >= MAX_SERIES && !series.containsKey(key) && !(reason.warning() && evictNormal())) {
                dropped.increment();
                return;
            }
            Instant now = Instant.now();
            long nanos = System.nanoTime();
            String bounded = truncate(note);
            series.compute(key, (k, s) -> s == null || nanos - s.lastNanos > QUIET.toNanos()
                    ? new Series(null, 1, 0, now, now, bounded, nanos)
                    : s.seen(bounded, now, nanos));
            dirty.add(key);
        } catch (RuntimeException e) {
            LOG.debugf("action=record-event result=failed reason=%s", e.toString());
        }
    }

    /** Writes what is pending, as far as the bucket allows; the rest waits for the next flush. Returns the writes made. */
    public int flush() {
        int writes = 0;
        List<Key> due = new ArrayList<>(dirty);
        due.sort(WARNINGS_FIRST);
        for (Key key : due) {
            if (!bucket.tryAcquire()) {
                break;
            }
            dirty.remove(key);
            Series s = series.get(key);
            if (s == null || s.count <= s.written) {
                continue;
            }
            writes++;
            write(key, s);
        }
        long now = System.nanoTime();
        series.entrySet().removeIf(e -> now - e.getValue().lastNanos > QUIET.toNanos() && !dirty.contains(e.getKey()));
        return writes;
    }

    /** Drops one Normal series that has occurrences not written yet; false when there is none. */
    private boolean evictNormal() {
        for (Map.Entry<Key, Series> e : series.entrySet()) {
            if (!e.getKey().reason.warning() && e.getValue().count > e.getValue().written && series.remove(e.getKey(), e.getValue())) {
                dirty.remove(e.getKey());
                dropped.increment();
                return true;
            }
        }
        return false;
    }

    /** Occurrences not written yet, over every series. */
    public int pending() {
        return series.values().stream().mapToInt(s -> s.count - s.written).sum();
    }

    private void write(Key key, Series s) {
        String name = s.eventName;
        try {
            if (name == null) {
                Event event = event(key, s);
                api.create(event);
                name = event.getMetadata().getName();
                created.increment();
            } else {
                api.patchSeries(key.namespace, name, s.count, MICRO_TIME.format(s.last));
                patched.increment();
            }
            String done = name;
            // a series restarted meanwhile (after a quiet spell) is not the one this Event counts
            Series now = series.computeIfPresent(key, (k, cur) -> cur.first.equals(s.first) ? cur.wrote(done, s.count) : cur);
            if (now != null && now.count > now.written) {
                dirty.add(key);
            }
        } catch (KubernetesClientException e) {
            if (name != null && e.getCode() == 404) {
                // the API server let the Event expire: the next write starts a new one with the whole count
                series.computeIfPresent(key, (k, cur) -> new Series(null, cur.count, 0, cur.first, cur.last, cur.note, cur.lastNanos));
                dirty.add(key);
                return;
            }
            failed.increment();
            LOG.warnf("namespace=%s %s=%s action=record-event reason=%s result=failed code=%d; the injector needs create and patch "
                    + "on events.events.k8s.io in namespace %s (the chart's ClusterRole grants them)", key.namespace, subject(key), key.name,
                    key.reason, e.getCode(), key.namespace);
        } catch (RuntimeException e) {
            failed.increment();
            LOG.warnf("namespace=%s %s=%s action=record-event reason=%s result=failed cause=%s", key.namespace, subject(key), key.name,
                    key.reason, e.toString());
        }
    }

    /** The log field of the regarded object: {@code secret} or {@code pod}. */
    private static String subject(Key key) {
        return key.reason.kind().toLowerCase(java.util.Locale.ROOT);
    }

    private Event event(Key key, Series s) {
        EventBuilder b = new EventBuilder()
                .withNewMetadata().withNamespace(key.namespace)
                .withName(eventName(key.name, s.first))
                .endMetadata()
                .withNewRegarding().withApiVersion("v1").withKind(key.reason.kind()).withNamespace(key.namespace).withName(key.name)
                .withUid(key.uid).endRegarding()
                .withReason(key.reason.name())
                .withNote(s.note)
                .withType(key.reason.type())
                .withAction(key.reason.action())
                .withReportingController(CONTROLLER)
                .withReportingInstance(instance)
                .withEventTime(new MicroTime(MICRO_TIME.format(s.first)));
        if (s.count > 1) {
            // the API server accepts a series only from its second occurrence on
            b.withNewSeries().withCount(s.count).withLastObservedTime(new MicroTime(MICRO_TIME.format(s.last))).endSeries();
        }
        return b.build();
    }

    /** As client-go names Events: the object's name and the time in hex, kept within a name's 253 characters. */
    private static String eventName(String regarding, Instant first) {
        String suffix = "." + Long.toHexString(first.getEpochSecond() * 1_000_000_000L + first.getNano());
        return (regarding.length() + suffix.length() > 253 ? regarding.substring(0, 253 - suffix.length()) : regarding) + suffix;
    }

    static String truncate(String note) {
        String n = note == null ? "" : note;
        byte[] bytes = n.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_NOTE_BYTES) {
            return n;
        }
        int end = MAX_NOTE_BYTES - 3;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // never cut a character in two
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8) + "...";
    }

    @PreDestroy
    @Override
    public void close() {
        if (worker != null) {
            worker.shutdownNow();
        }
    }
}
