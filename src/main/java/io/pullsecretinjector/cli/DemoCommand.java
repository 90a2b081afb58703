package io.pullsecretinjector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pullsecretinjector.policy.PodFacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: sends example AdmissionReviews to a running webhook (started with {@code make run})
 * and prints, for each, the decision, the decoded patch, the patched Pod's imagePullSecrets, the
 * warnings and the Secrets now in the Pod's namespace (read from the embedded API's read-only view
 * on the management port).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sends example AdmissionReviews to a running webhook (make run) and shows what it answered and what it copied."})
public final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "https://localhost:8443/mutate", description = "The webhook (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--cacert", defaultValue = "certs/ca.crt", description = "The CA of its certificate (default: ${DEFAULT-VALUE}; make certs writes it).")
    Path cacert;

    @Option(names = "--management", defaultValue = "http://localhost:9000", description = "Its management port (default: ${DEFAULT-VALUE}).")
    URI management;

    @Parameters(paramLabel = "REVIEW", arity = "0..*", description = "AdmissionReview JSON files or directories (default: examples/reviews).")
    List<Path> reviews = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = files(reviews.isEmpty() ? List.of(Path.of("examples/reviews")) : reviews);
        if (files.isEmpty()) {
            err.println("no AdmissionReview files found; run demo from the project directory or name the files");
            return 1;
        }
        if (!Files.isRegularFile(cacert)) {
            err.printf("%s does not exist: run make certs (make run does it), or point --cacert at the CA of the server certificate%n", cacert);
            return 1;
        }
        HttpClient http = HttpClient.newBuilder().sslContext(trusting(cacert)).connectTimeout(Duration.ofSeconds(5)).build();
        int failures = 0;
        for (Path file : files) {
            try {
                show(http, file, out);
            } catch (ConnectException e) {
                err.printf("no webhook answers at %s: start it with `make run` in another terminal, wait for \"Listening on\", then run make demo again%n", url);
                return 1;
            } catch (IOException | RuntimeException e) {
                failures++;
                err.printf("%s: %s%n", file, e.getMessage() == null ? e.toString() : e.getMessage());
            }
            out.flush();
        }
        return failures == 0 ? 0 : 1;
    }

    private void show(HttpClient http, Path file, PrintWriter out) throws IOException, InterruptedException {
        JsonNode review = JSON.readTree(file.toFile());
        JsonNode request = review.path("request");
        JsonNode pod = request.path("object");
        String namespace = request.path("namespace").asText("");
        String name = pod.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            name = pod.path("metadata").path("generateName").asText("(unnamed)") + "*";
        }
        boolean dryRun = request.path("dryRun").asBoolean(false);
        List<String> images = images(pod);
        out.printf("=== %s: %s %s %s/%s%s, images %s%n", file.getFileName(), request.path("operation").asText(), request.path("kind").path("kind").asText(),
                namespace, name, dryRun ? " (dry run)" : "", images);

        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(review.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IOException("HTTP " + answer.statusCode() + ": " + answer.body());
        }
        JsonNode response = JSON.readTree(answer.body()).path("response");
        JsonNode patch = response.has("patch")
                ? JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()))
                : JSON.createArrayNode();
        String decision = !response.path("allowed").asBoolean(false)
                ? "DENIED: " + response.path("status").path("message").asText()
                : patch.isEmpty() ? "allowed, unchanged (no patch)" : "allowed with a patch" + (dryRun ? " (dry run: nothing is written)" : "");
        row(out, "decision", decision);
        if (patch.isEmpty()) {
            row(out, "patch", "none");
        }
        for (JsonNode op : patch) {
            row(out, "patch", op.path("op").asText() + " " + op.path("path").asText() + " " + op.path("value"));
        }
        JsonNode patched = PatchedPod.apply(pod.deepCopy(), patch);
        List<String> names = new ArrayList<>();
        patched.path("spec").path("imagePullSecrets").forEach(r -> names.add(r.path("name").asText()));
        List<String> imagesAfter = images(patched);
        if (!imagesAfter.equals(images)) {
            row(out, "images", String.join(", ", imagesAfter));
        }
        row(out, "imagePullSecrets", names.isEmpty() ? "(none)" : String.join(", ", names));
        if (response.path("warnings").isEmpty()) {
            row(out, "warnings", "none");
        }
        response.path("warnings").forEach(w -> row(out, "warning", w.asText()));
        out.printf("    Secrets now in %s:%n", namespace);
        out.printf("        %s%n", secretsIn(http, namespace));
        out.println();
    }

    private String secretsIn(HttpClient http, String namespace) throws InterruptedException {
        URI uri = management.resolve("/q/embedded-api/namespaces/" + namespace + "/secrets");
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return "(unknown: " + management + " does not answer: " + e.getMessage() + ")";
        }
        if (r.statusCode() == 404) {
            return "(not shown: the server uses a real Kubernetes API, not the embedded one; kubectl get secrets -n " + namespace + ")";
        }
        if (r.statusCode() != 200) {
            return "(unknown: HTTP " + r.statusCode() + " from " + uri + ")";
        }
        JsonNode secrets;
        try {
            secrets = JSON.readTree(r.body()).path("secrets");
        } catch (IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
        if (secrets.isEmpty()) {
            return "none";
        }
        List<String> lines = new ArrayList<>();
        for (JsonNode s : secrets) {
            StringBuilder b = new StringBuilder(s.path("name").asText()).append(" (").append(s.path("type").asText());
            if (!s.path("source").asText().isEmpty()) {
                b.append(", copy of ").append(s.path("source").asText());
            }
            if (!s.path("managedBy").asText().isEmpty()) {
                b.append(", managed-by ").append(s.path("managedBy").asText());
            }
            if (!s.path("registries").isEmpty()) {
                List<String> regs = new ArrayList<>();
                s.path("registries").forEach(x -> regs.add(x.asText()));
                b.append(", registries ").append(String.join(" ", regs));
            }
            lines.add(b.append(')').toString());
        }
        return String.join("\n        ", lines);
    }

    /** Every image the Pod pulls (containers, then image volumes), read as the webhook reads them. */
    private static List<String> images(JsonNode pod) {
        return PodFacts.fromJson(pod).images().stream().map(PodFacts.ContainerImage::image).toList();
    }

    private static void row(PrintWriter out, String label, String text) {
        out.printf("    %-20s%s%n", label, text);
    }

    private static List<Path> files(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> list = Files.list(p)) {
                    list.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        return files;
    }

    private static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (var cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, cert);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
