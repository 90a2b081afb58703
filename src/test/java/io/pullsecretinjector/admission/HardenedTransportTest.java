package io.pullsecretinjector.admission;

import io.pullsecretinjector.testing.Await;
import io.pullsecretinjector.testing.TestTls;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7, TLS and slow clients, on the running server. One test profile: the certificate is read
 * from files under target/tls-reload that the test rewrites (reload period 1 s instead of 1 m), and
 * the idle timeout is 2 s instead of 30 s so the slow-client test is quick. Protocol and cipher
 * checks use the openssl command-line client, because the JDK's own client refuses TLS 1.1 and weak
 * suites before the server is asked (they are skipped when openssl is missing).
 */
@QuarkusTest
@TestProfile(HardenedTransportTest.Profile.class)
@WithKubernetesTestServer(crud = true)
class HardenedTransportTest {

    static final Path DIR = Path.of("target/tls-reload");

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                // laid out as kubelet mounts a Secret: tls.crt -> ..data/tls.crt, ..data -> a versioned directory
                // swapped atomically, so the pair always matches
                deleteTree(DIR);
                Path v1 = Files.createDirectories(DIR.resolve("v1"));
                Files.copy(Path.of("target/certificates/webhook.crt"), v1.resolve("tls.crt"));
                Files.copy(Path.of("target/certificates/webhook.key"), v1.resolve("tls.key"));
                Files.createSymbolicLink(DIR.resolve("..data"), Path.of("v1"));
                Files.createSymbolicLink(DIR.resolve("tls.crt"), Path.of("..data/tls.crt"));
                Files.createSymbolicLink(DIR.resolve("tls.key"), Path.of("..data/tls.key"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of(
                    "quarkus.tls.webhook.key-store.pem.0.cert", DIR.resolve("tls.crt").toString(),
                    "quarkus.tls.webhook.key-store.pem.0.key", DIR.resolve("tls.key").toString(),
                    "quarkus.tls.webhook.reload-period", "1s",
                    "quarkus.http.idle-timeout", "2s");
        }
    }

    @TestHTTPResource(value = "/mutate", tls = true)
    URL mutate;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @BeforeAll
    static void trustDevCertificate() {
        TestTls.trustTheTestServer();
    }

    static Stream<Arguments> handshakes() {
        return Stream.of(
                arguments("TLS 1.1 is refused", List.of("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"), false),
                arguments("TLS 1.2 with RSA key exchange (no forward secrecy) is refused", List.of("-tls1_2", "-cipher", "AES128-GCM-SHA256:AES256-SHA"), false),
                arguments("TLS 1.2 with a CBC/SHA-1 suite is refused", List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA384"), false),
                arguments("TLS 1.2 with ECDHE and AES-GCM is accepted", List.of("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"), true),
                arguments("TLS 1.3 is accepted", List.of("-tls1_3"), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handshakes")
    void onlyTls12AndUpWithStrongSuitesAreAccepted(String sentence, List<String> options, boolean accepted) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")) || onPath("openssl"), "openssl is not installed");
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "localhost:" + mutate.getPort(), "-servername", "localhost"));
        command.addAll(options);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(out).as("the client itself could offer it").doesNotContain("no protocols available", "no cipher match");
        if (accepted) {
            assertThat(out).contains("BEGIN CERTIFICATE").doesNotContain("Cipher is (NONE)");
        } else {
            assertThat(out).as(out).doesNotContain("BEGIN CERTIFICATE").containsAnyOf("alert", "Cipher is (NONE)", "handshake failure");
        }
    }

    @Test
    void plainHttpOnTheWebhookPortIsNeverAnswered() throws Exception {
        try (Socket s = new Socket("localhost", mutate.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] reply = readSome(s.getInputStream());
            assertThat(new String(reply, StandardCharsets.ISO_8859_1)).doesNotStartWith("HTTP/");
        }
    }

    @Test
    void healthIsServedOnThePlainManagementPortWithoutTheWebhookCertificate() {
        assertThat(ready.getProtocol()).isEqualTo("http");
        assertThat(ready.getPort()).isNotEqualTo(mutate.getPort());
        given().get(ready).then().statusCode(200);
    }

    @Test
    void slowClientsHoldingSocketsOpenAreCutOffAndDoNotStopReviews() throws Exception {
        List<SSLSocket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                SSLSocket s = open();
                s.getOutputStream().write("POST /mutate HTTP/1.1\r\nHost: localhost\r\nContent-Len".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }
            // a real review still gets through at once
            long start = System.nanoTime();
            given().contentType("application/json").body(Reviews.fixture("pod-update-ignored").toString()).post(mutate).then().statusCode(200);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);

            // and the idle timeout (2 s here, 30 s by default) closes every half-sent request: each read
            // ends at the server's close, long before the generous read timeout
            for (SSLSocket s : slow) {
                s.setSoTimeout(15_000);
                assertThat(closedByServer(s)).as("socket closed by the server").isTrue();
            }
        } finally {
            for (SSLSocket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void aRotatedCertificateOnDiskIsServedWithoutARestart() throws Exception {
        assumeTrue(onPath("openssl"), "openssl is not installed");
        String before = servedSubject();
        assertThat(before).contains("CN=localhost");
        Path v2 = Files.createDirectories(DIR.resolve("v2"));
        Path key = v2.resolve("tls.key");
        Path crt = v2.resolve("tls.crt");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", crt.toString(),
                "-days", "1", "-subj", "/CN=rotated.localhost", "-addext", "subjectAltName=DNS:localhost").redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        // as kubelet updates a mounted Secret: one atomic swap of the ..data link changes both files
        Files.createSymbolicLink(DIR.resolve("..data_tmp"), Path.of("v2"));
        Files.move(DIR.resolve("..data_tmp"), DIR.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        // A handshake that meets Vert.x while it swaps the SSL context can fail (SslContextUpdate NPE in
        // vertx-core); the API server retries the call. How many fail depends on the machine's load,
        // so what is asserted is the outcome: the new certificate is served, and steadily.
        Await.until("the rotated certificate is served", Duration.ofSeconds(30), () -> {
            try {
                return servedSubject().contains("CN=rotated.localhost");
            } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
                return false;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int i = 0; i < 5; i++) {
            assertThat(servedSubject()).contains("CN=rotated.localhost"); // and steady after it
        }
        given().contentType("application/json").body(Reviews.fixture("pod-update-ignored").toString()).post(mutate).then().statusCode(200);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    String servedSubject() throws Exception {
        try (SSLSocket s = open()) {
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    SSLSocket open() throws Exception {
        SSLContext ctx = TestTls.trustingAnyServer();
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("localhost", mutate.getPort());
        s.startHandshake();
        return s;
    }

    static boolean closedByServer(Socket s) {
        try {
            InputStream in = s.getInputStream();
            int b;
            while ((b = in.read()) >= 0) {
                // an error response (408/400) before closing is fine; keep reading to the end
                assert b >= 0;
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset or TLS close: closed
        }
    }

    static byte[] readSome(InputStream in) {
        try {
            byte[] buf = new byte[64];
            int n = in.read(buf);
            return n <= 0 ? new byte[0] : java.util.Arrays.copyOf(buf, n);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
