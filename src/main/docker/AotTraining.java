import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import java.net.Socket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client side of the AOT training run (src/main/docker/aot-train.sh): what the webhook answers
 * while its JVM records the AOT cache is what a replica has ready when it starts. Not part of the
 * application; compiled and run only where the cache is made (the image build, {@code make bench}).
 *
 * <pre>
 * AotTraining pem KEYSTORE.p12 PASSWORD CERT.pem KEY.pem   the training certificate as PEM files
 * AotTraining train URL COUNT REVIEW.json...                COUNT reviews, round robin, 4 at a time
 * </pre>
 *
 * {@code train} waits up to 120 s for the server to accept connections, sends half the reviews
 * over HTTP/1.1 and half over HTTP/2 (the API server speaks either), and fails unless every answer
 * is a 200. It trusts any certificate: it only ever talks to the training server on loopback.
 */
public final class AotTraining {

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("pem")) {
            pem(Path.of(args[1]), args[2].toCharArray(), Path.of(args[3]), Path.of(args[4]));
        } else if (args.length >= 4 && args[0].equals("train")) {
            List<byte[]> reviews = new ArrayList<>();
            for (int i = 3; i < args.length; i++) {
                reviews.add(Files.readAllBytes(Path.of(args[i])));
            }
            train(URI.create(args[1]), Integer.parseInt(args[2]), reviews);
        } else {
            System.err.println("usage: AotTraining pem KEYSTORE.p12 PASSWORD CERT.pem KEY.pem | train URL COUNT REVIEW.json...");
            System.exit(2);
        }
    }

    private static void pem(Path keystore, char[] password, Path cert, Path key) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, password);
        }
        String alias = ks.aliases().nextElement();
        X509Certificate c = (X509Certificate) ks.getCertificate(alias);
        PrivateKey k = (PrivateKey) ks.getKey(alias, password);
        Files.writeString(cert, block("CERTIFICATE", c.getEncoded()));
        Files.writeString(key, block("PRIVATE KEY", k.getEncoded()));
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void train(URI url, int count, List<byte[]> reviews) throws Exception {
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        HttpClient h1 = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpClient h2 = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            try {
                send(h1, url, reviews.get(0));
                break;
            } catch (ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no server at " + url + " within 120 s", e);
                }
                Thread.sleep(100);
            }
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < count; ) {
                    send(i % 2 == 0 ? h1 : h2, url, reviews.get(i % reviews.size()));
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        System.out.println("AOT training: " + count + " reviews answered");
    }

    private static void send(HttpClient http, URI url, byte[] review) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(review)).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
    }

    /** Trusts any certificate for any host name (an extended trust manager, or the JDK would still check the name). */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
