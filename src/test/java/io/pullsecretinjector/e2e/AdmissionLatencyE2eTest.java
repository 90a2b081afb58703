package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Measured, not asserted: the admission latency the injector adds to Pod creation, as the API
 * server measures it, for the warm path and for the first Pod in a new namespace. Written to
 * {@code target/e2e-reports/admission-latency.txt} and printed.
 */
@ExtendWith(Suite.class)
@Order(4)
class AdmissionLatencyE2eTest {

    static final int PODS = 200;
    static final String WEBHOOK = "pods.pullsecret-injector.io";
    static final String IMAGE = "registry.example.com/team/app:1";

    @Test
    @DisplayName("12. admission latency the injector adds, from the API server's metrics (200 warm Pods, 200 first Pods)")
    void latencyFromTheApiServersMetrics() throws IOException {
        Suite.ensureServing();
        String warm = Cluster.newNamespace("warm");
        Cluster.awaitDefaultServiceAccounts(List.of(warm));
        Cluster.createPod(warm, "first", IMAGE); // makes the copy: the namespace is warm from here on

        WebhookLatency before = scrape();
        for (int i = 0; i < PODS; i++) {
            assertThat(PodAdmissionE2eTest.pullSecrets(Cluster.createPod(warm, "warm-" + i, IMAGE))).containsExactly("regcred");
        }
        WebhookLatency warmPath = scrape().since(before);

        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < PODS; i++) {
            fresh.add(Cluster.newNamespace("fresh"));
        }
        Cluster.awaitDefaultServiceAccounts(fresh);
        before = scrape();
        for (String ns : fresh) {
            assertThat(PodAdmissionE2eTest.pullSecrets(Cluster.createPod(ns, "first", IMAGE))).containsExactly("regcred");
        }
        WebhookLatency firstPod = scrape().since(before);

        String report = String.join("\n",
                "Kubernetes " + Cluster.KUBERNETES_VERSION + ", apiserver_admission_webhook_admission_duration_seconds{name=\"" + WEBHOOK + "\"}",
                line("warm path (copy current)", warmPath),
                line("first Pod in a new namespace", firstPod), "");
        System.out.print(report.lines().map(l -> "    " + l + "\n").reduce("", String::concat));
        Files.createDirectories(java.nio.file.Path.of("target/e2e-reports"));
        Files.writeString(java.nio.file.Path.of("target/e2e-reports/admission-latency.txt"), report);
        assertThat(warmPath.count()).as("webhook calls counted for the warm Pods").isGreaterThanOrEqualTo(PODS);
        assertThat(firstPod.count()).as("webhook calls counted for the first Pods").isGreaterThanOrEqualTo(PODS);
    }

    private static WebhookLatency scrape() {
        return WebhookLatency.parse(Cluster.kubectl(null, "get", "--raw", "/metrics").assertOk().out(), WEBHOOK);
    }

    private static String line(String what, WebhookLatency l) {
        return String.format("%-30s %4.0f calls  p50 %6.2f ms (bucket <= %s ms)  p99 %6.2f ms (bucket <= %s ms)", what, l.count(),
                l.quantile(0.50) * 1000, ms(l.bucketBound(0.50)), l.quantile(0.99) * 1000, ms(l.bucketBound(0.99)));
    }

    private static String ms(double seconds) {
        return Double.isInfinite(seconds) ? "+Inf" : String.format("%.0f", seconds * 1000);
    }
}
