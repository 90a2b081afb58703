package io.pullsecretinjector.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The rescue of Pods stuck pulling without a credential, all under {@code injector.rescue.*}
 * (environment: {@code INJECTOR_RESCUE_*}). Each default is set here and nowhere else; the chart's
 * {@code rescue} values set them.
 */
@ConfigMapping(prefix = "injector.rescue")
public interface RescueConfig {

    /**
     * Evict Pods that were admitted without a credential the policy gives them (the webhook was
     * unreachable and {@code failurePolicy} is {@code Ignore}) and are stuck pulling because of it,
     * so that their controller recreates them through admission ({@code INJECTOR_RESCUE_ENABLED}).
     * Off by default: it needs list and watch on Pods across the cluster and create on
     * {@code pods/eviction}, which the chart grants only when it is on. Runs on the sync loop's
     * leader only, so it needs {@code injector.sync}.
     */
    @WithDefault("false")
    boolean enabled();

    /**
     * How long a Pod must have waited on an image pull ({@code ImagePullBackOff} or
     * {@code ErrImagePull}), as this replica has seen it, before it is evicted
     * ({@code INJECTOR_RESCUE_GRACE_PERIOD}). Two minutes: the kubelet has tried the pull four or
     * five times by then (back-off 10 s, 20 s, 40 s, 80 s), so a registry that was only briefly
     * down has had its chance. A new leader starts counting again.
     */
    @WithDefault("2m")
    Duration gracePeriod();

    /**
     * The most eviction attempts a minute ({@code INJECTOR_RESCUE_EVICTIONS_PER_MINUTE}), evenly
     * spaced, so an outage's backlog of stuck Pods is not recreated all at once: at 30, one every
     * 2 s, 500 Pods in about 17 minutes. A retry after a refusal counts too.
     */
    @WithDefault("30")
    int evictionsPerMinute();

    /**
     * Also watch Pods in phase {@code Running} ({@code INJECTOR_RESCUE_RUNNING_PODS}): a container
     * that ran, exited and cannot pull its image again for the restart. Off by default: it makes
     * the watch deliver every running Pod of the cluster, where a Pod that never started (the one
     * an outage leaves) is {@code Pending}. Only these evictions can be held back by a
     * PodDisruptionBudget: the API server evicts a {@code Pending} Pod without consulting one.
     */
    @WithDefault("false")
    boolean runningPods();
}
