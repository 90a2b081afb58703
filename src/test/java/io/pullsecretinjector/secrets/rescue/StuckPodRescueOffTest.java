package io.pullsecretinjector.secrets.rescue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pullsecretinjector.config.InjectorConfig;
import io.pullsecretinjector.config.RescueConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The rescue off (the default), or with the sync loop off, touches nothing: no client, no watch, no
 * eviction. Every collaborator here fails the test when used.
 */
class StuckPodRescueOffTest {

    static RescueConfig rescue(boolean enabled, int perMinute) {
        return new RescueConfig() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public Duration gracePeriod() {
                return Duration.ofMinutes(2);
            }

            @Override
            public int evictionsPerMinute() {
                return perMinute;
            }

            @Override
            public boolean runningPods() {
                return false;
            }
        };
    }

    /** An InjectorConfig that answers only {@code sync()}. */
    static InjectorConfig sync(boolean on) {
        return (InjectorConfig) Proxy.newProxyInstance(InjectorConfig.class.getClassLoader(), new Class<?>[] {InjectorConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("sync")) {
                        return on;
                    }
                    throw new AssertionError("read injector." + method.getName() + " on a path that must do nothing");
                });
    }

    static StuckPodRescue service(RescueConfig rescue, InjectorConfig injector) {
        // no client, store, watch or registry: any use is a NullPointerException
        return new StuckPodRescue(rescue, injector, null, null, null, null, null, null, null, null);
    }

    @Test
    void offByDefaultItStartsNothing() {
        assertThat(rescue(false, 30).enabled()).isFalse();
        StuckPodRescue off = service(rescue(false, 30), sync(true));

        off.onStart(null);
        off.onStop(null);
    }

    @Test
    void withTheSyncLoopOffThereIsNoLeaderAndNothingStarts() {
        StuckPodRescue noLeader = service(rescue(true, 30), sync(false));

        noLeader.onStart(null);
        noLeader.onStop(null);
    }

    @Test
    void aRateBelowOneAMinuteIsRefusedWithWhatToFix() {
        StuckPodRescue bad = service(rescue(true, 0), sync(true));

        assertThatThrownBy(() -> bad.onStart(null)).hasMessageContaining("injector.rescue.evictions-per-minute must be at least 1")
                .hasMessageContaining("INJECTOR_RESCUE_EVICTIONS_PER_MINUTE");
    }
}
