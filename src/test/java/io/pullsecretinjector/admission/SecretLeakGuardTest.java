package io.pullsecretinjector.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.pullsecretinjector.testing.SecretLeakGuard;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** The guard really listens: a credential logged here is found (and then forgotten, so this class passes). */
class SecretLeakGuardTest {

    @Test
    void aCredentialInALogLineIsFoundByTheGuardThatRunsForEveryTestClass() {
        long before = SecretLeakGuard.recordsSeen();

        Logger.getLogger("leak-probe").infof("user=%s password=%s", "ci-bot", "s3cr3t-private-token");

        assertThat(SecretLeakGuard.recordsSeen()).isGreaterThan(before);
        assertThat(SecretLeakGuard.findings()).containsExactly("leak-probe: marker #0");
        SecretLeakGuard.clear();
    }

    @Test
    void theBase64FormsOfTheFixturesCredentialsAreMarkersToo() {
        assertThat(SecretLeakGuard.leaks(PodMutationResourceTest.PRIVATE_AUTH)).isTrue();
        assertThat(SecretLeakGuard.leaks(PodMutationResourceTest.HUB_AUTH)).isTrue();
    }
}
