package io.pullsecretinjector.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One injector replica, run as the packaged application ({@code target/quarkus-app}) outside the
 * cluster, as the chart's ServiceAccount: its kubeconfig holds a TokenRequest token for that
 * account, so every call it makes is authorised by the chart's RBAC and nothing more. The settings
 * are the ones the chart's Deployment sets.
 */
final class InjectorProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Every replica started, killed when the test JVM exits (e2e/run.sh kills them too, by their pid files). */
    private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
    }

    final String identity;
    final int webhookPort;
    final int managementPort;
    final Path log;
    private final Process process;

    private InjectorProcess(String identity, int webhookPort, int managementPort, Path log, Process process) {
        this.identity = identity;
        this.webhookPort = webhookPort;
        this.managementPort = managementPort;
        this.log = log;
        this.process = process;
    }

    /** Starts a replica serving {@code /mutate} on {@code webhookPort}, and waits until it is ready. */
    static InjectorProcess start(String identity, int webhookPort, Path kubeconfig) {
        return start(identity, webhookPort, kubeconfig, Map.of());
    }

    /** As {@link #start(String, int, Path)}, with settings of a scenario's own ({@code INJECTOR_RESCUE_ENABLED=true}, ...). */
    static InjectorProcess start(String identity, int webhookPort, Path kubeconfig, Map<String, String> settings) {
        int management = freePort();
        Path log = Cluster.WORK.resolve("logs/injector-" + identity + ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx192m", "-jar", "target/quarkus-app/quarkus-run.jar")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.startsWith("INJECTOR_") || k.startsWith("QUARKUS_"));
        env.putAll(Map.ofEntries(
                Map.entry("KUBECONFIG", kubeconfig.toString()),
                Map.entry("INJECTOR_EMBEDDED_API", "never"),
                Map.entry("POD_NAMESPACE", Suite.NAMESPACE),
                Map.entry("INJECTOR_POLICY_CONFIGMAP", Suite.NAMESPACE + "/" + Suite.RELEASE + "-policy"),
                Map.entry("INJECTOR_LEADER_LEASE", Suite.LEASE),
                Map.entry("INJECTOR_LEADER_IDENTITY", identity),
                Map.entry("INJECTOR_INVENTORY_CONFIGMAP_PREFIX", Suite.RELEASE + "-images"),
                Map.entry("QUARKUS_HTTP_SSL_PORT", Integer.toString(webhookPort)),
                Map.entry("QUARKUS_MANAGEMENT_PORT", Integer.toString(management)),
                Map.entry("QUARKUS_MANAGEMENT_HOST", "127.0.0.1"),
                Map.entry("QUARKUS_TLS_WEBHOOK_KEY_STORE_PEM_0_CERT", Cluster.INJECTOR_PKI.resolve("tls.crt").toString()),
                Map.entry("QUARKUS_TLS_WEBHOOK_KEY_STORE_PEM_0_KEY", Cluster.INJECTOR_PKI.resolve("tls.key").toString())));
        env.putAll(settings);
        for (String setting : System.getProperty("e2e.injectorEnv", "").split(",")) {
            if (setting.contains("=")) {
                env.put(setting.substring(0, setting.indexOf('=')).trim(), setting.substring(setting.indexOf('=') + 1).trim());
            }
        }
        try {
            Process p = pb.start();
            Files.writeString(Cluster.WORK.resolve("pids/injector-" + identity + ".pid"), Long.toString(p.pid()));
            InjectorProcess injector = new InjectorProcess(identity, webhookPort, management, log, p);
            STARTED.add(p);
            try {
                injector.awaitReady();
            } catch (RuntimeException | AssertionError e) {
                injector.kill(); // a replica that never got ready must not outlive the scenario
                throw e;
            }
            return injector;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady() {
        Eventually.that("injector " + identity + " ready (a valid policy loaded), log " + log, Duration.ofSeconds(90), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("injector " + identity + " exited with " + process.exitValue() + "; see " + log);
            }
            return ready();
        });
    }

    /** True when {@code /q/health/ready} answers 200. */
    boolean ready() {
        try {
            return get("/q/health/ready").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code GET} on the management port (plain HTTP). */
    HttpResponse<String> get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path)).timeout(Duration.ofSeconds(5)).build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** One Prometheus sample of the injector's own metrics, or NaN when it has none or does not answer. */
    double metric(String sample) {
        try {
            for (String line : get("/q/metrics").body().lines().toList()) {
                if (line.startsWith(sample + " ")) {
                    return Double.parseDouble(line.substring(sample.length() + 1).trim());
                }
            }
        } catch (IOException e) {
            // not answering is "no value" to the scenarios, which poll
        }
        return Double.NaN;
    }

    /** The replica's log so far. */
    List<String> logLines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no graceful shutdown, the Lease is not released. */
    void kill() {
        process.destroyForcibly();
        waitForExit();
    }

    /** SIGTERM: the graceful shutdown a rollout gives. */
    @Override
    public void close() {
        process.destroy();
        waitForExit();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(Cluster.WORK.resolve("pids/injector-" + identity + ".pid"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
