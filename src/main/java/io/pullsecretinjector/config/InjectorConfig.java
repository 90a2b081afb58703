package io.pullsecretinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Startup settings, all under {@code injector.*} (environment: {@code INJECTOR_*}). Each default is
 * set here and nowhere else.
 */
@ConfigMapping(prefix = "injector")
public interface InjectorConfig {

    /**
     * The injector's own namespace: always excluded from injection, home of the policy ConfigMap
     * and the leader Lease. Set from {@code POD_NAMESPACE} (downward API in the chart).
     */
    @WithDefault("${POD_NAMESPACE:pullsecret-injector}")
    String namespace();

    /**
     * A local policy file ({@code INJECTOR_POLICY_FILE}). When set, it wins over the ConfigMap and is
     * re-read when it changes. Handy for local runs and for clusters that mount the policy.
     */
    Optional<String> policyFile();

    /**
     * The policy ConfigMap as {@code namespace/name} ({@code INJECTOR_POLICY_CONFIGMAP}); when unset,
     * {@code pullsecret-injector-policy} in {@link #namespace()}. Its key {@code policy.yaml} holds the policy.
     */
    Optional<String> policyConfigmap();

    /**
     * How long one review may spend on Kubernetes API calls before it is answered without the
     * credentials that are not ready yet. Well under the webhook's {@code timeoutSeconds} (5 s in
     * the chart) so the API server always gets our answer rather than its own timeout.
     */
    @WithDefault("2s")
    Duration apiBudget();

    /**
     * How long a source Secret read, and a copy known to be present and current in a namespace,
     * are trusted without asking the API server again. Short, so a copy deleted by hand or a
     * rotated source is noticed soon even without the sync loop; long enough that a burst of Pods
     * in one namespace costs one API round trip. A review answered in the last quarter of it has
     * what it relied on checked again in the background, so namespaces in steady use stay on the
     * no-call path.
     */
    @WithDefault("60s")
    Duration cacheTtl();

    /** Threads for Kubernetes API calls made on behalf of reviews; the warm path uses none. */
    @WithDefault("16")
    int apiThreads();

    /**
     * What a review gets when the injector itself fails unexpectedly: {@code admit} (the Pod is
     * admitted unchanged, with a warning: injection must never take Pod creation down) or
     * {@code deny} (an errored response, for clusters that would rather stop than run a Pod
     * without its credentials).
     */
    @WithDefault("admit")
    InternalErrorPolicy internalErrorPolicy();

    /**
     * Whether to start an embedded in-memory Kubernetes API and use it instead of a real one
     * ({@code INJECTOR_EMBEDDED_API}): {@code auto} starts it only when no API is configured (no
     * {@code KUBECONFIG}, no {@code ~/.kube/config}, not in a cluster, no API server URL), so
     * {@code make run} works on a laptop and a real cluster is never shadowed; {@code always} and
     * {@code never} force the choice. See {@code io.pullsecretinjector.embedded.ApiServerChoice}.
     * Only the build {@code make run} makes contains the embedded API; in the container image
     * there is none, and this setting has no effect.
     */
    @WithDefault("auto")
    EmbeddedApiMode embeddedApi();

    /**
     * Directory of YAML manifests (Namespaces, Secrets, ConfigMaps) the embedded API starts with
     * ({@code INJECTOR_EMBEDDED_API_SEED}); relative to the working directory. Ignored when the
     * embedded API is not used; a missing directory starts it empty, with a warning.
     */
    @WithDefault("examples/embedded-api")
    String embeddedApiSeed();

    /** See {@link #embeddedApi()}. */
    enum EmbeddedApiMode {
        auto,
        always,
        never
    }

    /**
     * Keep copies true after admission ({@code INJECTOR_SYNC}): watch the source Secrets, update
     * copies when a source changes, create eager copies, prune, resync. Off only for tests and
     * local runs that must make no background API calls.
     */
    @WithDefault("true")
    boolean sync();

    /**
     * How often the sync loop goes over every (credential, namespace) pair even with no event
     * ({@code INJECTOR_RESYNC_PERIOD}): repairs what an event lost in a watch gap left stale. A
     * copy the loop knows to be current (from its own last read or write) costs no call; the rest
     * cost one read, paced by {@link #syncQps()}.
     */
    @WithDefault("10m")
    Duration resyncPeriod();

    /**
     * How often a full pass reads every copy again instead of trusting what the loop knows
     * ({@code INJECTOR_SYNC_VERIFY_PERIOD}), to repair a copy deleted or edited by hand behind its
     * back (admission repairs it sooner, at the next Pod in that namespace). One read per copy,
     * paced by {@link #syncQps()}: at 5,000 copies and 50 calls/s, 100 s of reads once an hour.
     */
    @WithDefault("1h")
    Duration syncVerifyPeriod();

    /**
     * Steady rate of the sync loop's API calls, per second ({@code INJECTOR_SYNC_QPS}). 50 lets a
     * rotation reach 5,000 copies (one conditional update each) in about 100 s, and is what many
     * controllers raise client-go's default of 5 to; each call is one seat of the API server's
     * priority level for the injector's ServiceAccount (docs/operations.md explains API Priority
     * and Fairness and when to lower it). Admission calls are not paced (they are bounded by
     * {@link #apiBudget()}).
     */
    @WithDefault("50")
    double syncQps();

    /** Calls the sync loop may make at once above {@link #syncQps()} after a quiet spell ({@code INJECTOR_SYNC_BURST}). */
    @WithDefault("100")
    int syncBurst();

    /**
     * Elect one replica to run the sync loop ({@code INJECTOR_LEADER_ELECTION}); every replica
     * serves admission either way. Off makes this replica run the loop unconditionally: for local
     * runs and tests with one replica only.
     */
    @WithDefault("true")
    boolean leaderElection();

    /** The coordination.k8s.io Lease in {@link #namespace()} that elects the leader ({@code INJECTOR_LEADER_LEASE}). */
    @WithDefault("pullsecret-injector-leader")
    String leaderLease();

    /**
     * This replica's name in the Lease ({@code INJECTOR_LEADER_IDENTITY}); defaults to the Pod name
     * ({@code HOSTNAME}), which is unique among replicas.
     */
    @WithDefault("${HOSTNAME:pullsecret-injector-local}")
    String leaderIdentity();

    /**
     * How long a lease lasts without renewal ({@code INJECTOR_LEADER_LEASE_DURATION}): the longest
     * time the loop can stand still after a leader dies without releasing it. Renewal is attempted
     * every fifth of it, and a leader that cannot renew within two thirds of it stops its loop.
     */
    @WithDefault("15s")
    Duration leaderLeaseDuration();

    /**
     * Steady rate of Kubernetes Event writes, per second ({@code INJECTOR_EVENT_QPS}). Repeats of an
     * Event are folded into its series count, so beyond this rate admins still see every occurrence
     * counted, just a little later; the API server never sees more than this from one replica.
     */
    @WithDefault("5")
    double eventQps();

    /** Event writes allowed at once above {@link #eventQps()} after a quiet spell ({@code INJECTOR_EVENT_BURST}). */
    @WithDefault("25")
    int eventBurst();

    /**
     * How many distinct images the inventory of images to mirror keeps ({@code INJECTOR_INVENTORY_MAX_IMAGES});
     * past it the least recently seen are evicted (counted in {@code pullsecret_injector_inventory_evicted}).
     * 5,000 covers a large cluster and keeps the shared record well inside four ConfigMaps.
     */
    @WithDefault("5000")
    int inventoryMaxImages();

    /**
     * Share the inventory across replicas and restarts through ConfigMaps named
     * {@code <inventory-configmap-prefix>-0..3} in {@link #namespace()} ({@code INJECTOR_INVENTORY_PERSIST}).
     * Off keeps it per replica, in memory.
     */
    @WithDefault("true")
    boolean inventoryPersist();

    /** How often each replica merges its sightings into the shared inventory ({@code INJECTOR_INVENTORY_FLUSH_INTERVAL}). */
    @WithDefault("60s")
    Duration inventoryFlushInterval();

    /** Name prefix of the inventory ConfigMaps ({@code INJECTOR_INVENTORY_CONFIGMAP_PREFIX}); the chart grants exactly these names. */
    @WithDefault("pullsecret-injector-images")
    String inventoryConfigmapPrefix();

    /** See {@link #internalErrorPolicy()}. */
    enum InternalErrorPolicy {
        admit,
        deny
    }
}
