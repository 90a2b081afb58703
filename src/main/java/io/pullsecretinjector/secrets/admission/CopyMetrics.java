package io.pullsecretinjector.secrets.admission;

import io.pullsecretinjector.secrets.copy.CopyOutcome;
import io.pullsecretinjector.secrets.copy.CopyResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import org.jboss.logging.Logger;

/** The {@code pullsecret_injector_copies} counter (copies ensured at admission, by result) and the log line of each write or failure. */
final class CopyMetrics {

    private static final Logger LOG = Logger.getLogger(SecretReplicator.class);

    private final Map<CopyResult, Counter> counters = new EnumMap<>(CopyResult.class);

    CopyMetrics(MeterRegistry registry) {
        for (CopyResult r : CopyResult.values()) {
            counters.put(r, Counter.builder("pullsecret_injector_copies").description("Copies ensured at admission, by result")
                    .tag("result", r.name().toLowerCase()).register(registry));
        }
    }

    void count(CopyResult result) {
        counters.get(result).increment();
    }

    /** Counts a reconcile this process made, and logs it unless it found the copy current. */
    void reconciled(String namespace, String name, String sourceRef, String action, CopyOutcome outcome) {
        count(outcome.result());
        if (outcome.result() == CopyResult.FAILED) {
            LOG.warnf("namespace=%s secret=%s source=%s action=%s result=failed reason=%s", namespace, name, sourceRef, action,
                    outcome.warning());
        } else if (outcome.result() != CopyResult.UNCHANGED) {
            LOG.infof("namespace=%s secret=%s source=%s action=%s result=%s", namespace, name, sourceRef, action,
                    outcome.result().name().toLowerCase());
        }
    }
}
