package io.pullsecretinjector.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Issue 7, "Secrets never leak": registered for every test class of the suite (surefire turns on
 * JUnit's extension autodetection; META-INF/services names this class). It captures every log
 * record of the JVM (JBoss LogManager root, so the Quarkus app's records too) and fails the test
 * class during which a record carried one of the fixtures' credential strings, raw or base64. The
 * failure names the logger and the marker, never the line, so the report does not leak either.
 */
public class SecretLeakGuard implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    /** The credentials the fixtures use, and the encodings they travel in (auth field, .dockerconfigjson). */
    public static final List<String> MARKERS = markers();

    private static final Capture CAPTURE = new Capture();

    static List<String> markers() {
        List<String> m = new ArrayList<>(List.of("s3cr3t-private-token", "s3cr3t-hub-token", "old-token", "hunter2"));
        m.add(b64("ci-bot:s3cr3t-private-token"));
        m.add(b64("hubuser:s3cr3t-hub-token"));
        for (String[] c : new String[][] {{"registry.example.com", "ci-bot", "s3cr3t-private-token"}, {"https://index.docker.io/v1/", "hubuser", "s3cr3t-hub-token"}}) {
            m.add(b64("{\"auths\":{\"" + c[0] + "\":{\"username\":\"" + c[1] + "\",\"password\":\"" + c[2] + "\",\"auth\":\"" + b64(c[1] + ":" + c[2]) + "\"}}}"));
        }
        return List.copyOf(m);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Every record seen so far by the handler on the root logger (a test can check the guard is
     * really listening). Found on the root logger rather than through a static field, because a
     * {@code @QuarkusTest} sees its own copy of this class, loaded by Quarkus' class loader.
     */
    public static long recordsSeen() {
        for (Handler h : Logger.getLogger("").getHandlers()) {
            if (h.getClass().getName().equals(Capture.class.getName())) {
                try {
                    java.lang.reflect.Field seen = h.getClass().getDeclaredField("seen");
                    seen.setAccessible(true);
                    return ((AtomicLong) seen.get(h)).get();
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return 0;
    }

    /** Findings not reported yet, as "logger: marker #n"; {@link #clear()} forgets them (for the guard's own test). */
    public static synchronized List<String> findings() {
        return List.copyOf(CAPTURE.findings);
    }

    public static synchronized void clear() {
        CAPTURE.findings.clear();
    }

    /** True when the text holds a credential marker. */
    public static boolean leaks(String text) {
        return text != null && MARKERS.stream().anyMatch(text::contains);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        attach();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        attach(); // Quarkus reconfigures logging when an application starts
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (System.getenv("JAZZER_FUZZ") != null) {
            // While fuzzing (make fuzz), Jazzer learns the markers from this class's own comparisons and
            // writes them into requests, which the injector rightly echoes (namespace, name); that is input,
            // not Secret data. The corpus replay in `make test` is checked as usual.
            synchronized (SecretLeakGuard.class) {
                CAPTURE.findings.clear();
            }
            return;
        }
        List<String> found;
        synchronized (SecretLeakGuard.class) {
            found = List.copyOf(CAPTURE.findings);
            CAPTURE.findings.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError("Secret data was logged while " + context.getDisplayName() + " ran: " + found);
        }
    }

    private static synchronized void attach() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            if (h == CAPTURE) {
                return;
            }
        }
        root.addHandler(CAPTURE);
    }

    private static final class Capture extends Handler {
        final AtomicLong seen = new AtomicLong();
        final List<String> findings = new ArrayList<>();

        @Override
        public void publish(LogRecord record) {
            seen.incrementAndGet();
            StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object p : record.getParameters()) {
                    text.append(' ').append(p);
                }
            }
            if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
                text.append(' ').append(ext.getFormattedMessage());
            }
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                text.append(' ').append(t);
            }
            String s = text.toString();
            for (int i = 0; i < MARKERS.size(); i++) {
                if (s.contains(MARKERS.get(i))) {
                    synchronized (SecretLeakGuard.class) {
                        findings.add(record.getLoggerName() + ": marker #" + i);
                    }
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
