package io.pullsecretinjector.e2e;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * {@code make e2e}'s report: one line per scenario as it ends, then {@code N passed, M failed}.
 * Registered for every test run (META-INF/services) and silent unless the e2e suite runs.
 */
public final class ScenarioLines implements TestExecutionListener {

    private final boolean active = System.getProperty("e2e.work") != null;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final AtomicInteger passed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();

    @Override
    public void executionStarted(TestIdentifier test) {
        if (active && test.isTest()) {
            started.put(test.getUniqueId(), System.nanoTime());
        }
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (!active) {
            return;
        }
        boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
        if (test.isTest()) {
            (ok ? passed : failed).incrementAndGet();
            long took = System.nanoTime() - started.getOrDefault(test.getUniqueId(), System.nanoTime());
            String why = ok ? "" : ": " + result.getThrowable().map(ScenarioLines::firstLine).orElse(result.getStatus().toString());
            System.out.printf("%s  %s (%.1f s)%s%n", ok ? "PASS" : "FAIL", test.getDisplayName(), Duration.ofNanos(took).toMillis() / 1000.0, why);
        } else if (!ok && test.getSource().isPresent()) {
            // a setup failure (the chart did not install, the injector did not start) fails a whole class
            failed.incrementAndGet();
            System.out.printf("FAIL  %s: %s%n", test.getDisplayName(), result.getThrowable().map(ScenarioLines::firstLine).orElse("failed"));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        if (active) {
            System.out.printf("%d passed, %d failed%n", passed.get(), failed.get());
        }
    }

    private static String firstLine(Throwable t) {
        String message = String.valueOf(t.getMessage()).strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline) + " ...";
    }
}
