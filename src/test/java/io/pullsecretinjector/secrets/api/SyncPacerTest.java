package io.pullsecretinjector.secrets.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SyncPacerTest {

    final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aBurstGoesAtOnceThenCallsAreSpacedAtTheRate() {
        Pacer pacer = new Pacer(20, 40, now::get);
        for (int i = 0; i < 40; i++) {
            assertThat(pacer.reserveNanos()).as("call %d of the burst", i).isZero();
        }
        assertThat(pacer.reserveNanos()).isEqualTo(50_000_000L); // 1/20 s
        assertThat(pacer.reserveNanos()).isEqualTo(100_000_000L);
    }

    @Test
    void aQuietSpellRefillsTheBucketUpToTheBurstOnly() {
        Pacer pacer = new Pacer(10, 5, now::get);
        for (int i = 0; i < 5; i++) {
            pacer.reserveNanos();
        }
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 5; i++) {
            assertThat(pacer.reserveNanos()).isZero();
        }
        assertThat(pacer.reserveNanos()).isEqualTo(100_000_000L);
    }

    @Test
    void aRotationAcross5000NamespacesAtTheDefaultPaceTakesAboutEightMinutes() {
        Pacer pacer = new Pacer(20, 40, now::get);
        long last = 0;
        for (int i = 0; i < 10_000; i++) { // a GET and an UPDATE per namespace
            last = pacer.reserveNanos();
        }
        assertThat(last / 1_000_000_000.0).isBetween(497.0, 499.0);
    }

    @Test
    void aNonsensePaceIsRefused() {
        assertThatThrownBy(() -> new Pacer(0, 10, System::nanoTime)).hasMessageContaining("QPS must be > 0");
    }
}
