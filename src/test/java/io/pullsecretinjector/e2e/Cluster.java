package io.pullsecretinjector.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control plane that {@code e2e/run.sh} started (etcd, kube-apiserver, kube-controller-manager
 * on loopback), as the scenarios reach it: an admin client, {@code kubectl}, and the paths of the
 * certificates made for it. Read from the system properties the script sets.
 */
final class Cluster {

    static final Path WORK = Path.of(required("e2e.work"));
    static final Path BIN = Path.of(required("e2e.bin"));
    static final String SERVER = required("e2e.server");
    static final int INJECTOR_PORT = Integer.parseInt(required("e2e.injectorPort"));
    static final String KUBERNETES_VERSION = System.getProperty("e2e.kubernetesVersion", "unknown");
    static final Path ADMIN_KUBECONFIG = WORK.resolve("admin.kubeconfig");
    static final Path CLUSTER_CA = WORK.resolve("pki/ca.crt");
    static final Path INJECTOR_PKI = WORK.resolve("pki/injector");

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static volatile KubernetesClient admin;

    private Cluster() {
    }

    /** A client with cluster-admin rights (system:masters), for setting up and reading back. */
    static KubernetesClient admin() {
        if (admin == null) {
            synchronized (Cluster.class) {
                if (admin == null) {
                    admin = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(read(ADMIN_KUBECONFIG))).build();
                }
            }
        }
        return admin;
    }

    /** What a kubectl run printed. */
    record Run(int exit, String out, String err, Duration took) {
        Run assertOk() {
            if (exit != 0) {
                throw new AssertionError("kubectl exited " + exit + ": " + err + out);
            }
            return this;
        }
    }

    /** Runs kubectl as the admin, with {@code stdin} as its standard input (or none). */
    static Run kubectl(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(BIN.resolve("kubectl").toString(), "--kubeconfig", ADMIN_KUBECONFIG.toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(WORK, "kubectl", ".out");
            Path err = Files.createTempFile(WORK, "kubectl", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            long start = System.nanoTime();
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 60 s");
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            Run run = new Run(p.exitValue(), Files.readString(out), Files.readString(err), took);
            Files.delete(out);
            Files.delete(err);
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * A new namespace, with its default ServiceAccount made by kube-controller-manager: until that
     * exists the ServiceAccount admission plugin refuses Pods there.
     */
    static String newNamespace(String prefix) {
        String name = prefix + "-" + NAMES.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 46656, 36);
        admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        return name;
    }

    /** Waits for kube-controller-manager's default ServiceAccount in each namespace. */
    static void awaitDefaultServiceAccounts(List<String> namespaces) {
        for (String ns : namespaces) {
            Eventually.that("the default ServiceAccount in " + ns, Duration.ofSeconds(60),
                    () -> admin().serviceAccounts().inNamespace(ns).withName("default").get() != null);
        }
    }

    /** A kubernetes.io/dockerconfigjson Secret for one registry, with a password of its own. */
    static Secret dockerConfig(String namespace, String name, String registry, String password) {
        String auth = Base64.getEncoder().encodeToString(("e2e:" + password).getBytes(StandardCharsets.UTF_8));
        String json = "{\"auths\":{\"" + registry + "\":{\"username\":\"e2e\",\"password\":\"" + password + "\",\"auth\":\"" + auth + "\"}}}";
        return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(".dockerconfigjson", Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    /** Creates a one-container Pod through the API (as a controller would) and returns it as stored. */
    static Pod createPod(String namespace, String name, String image) {
        return admin().pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage(image).endContainer().endSpec().build()).create();
    }

    /** Rewrites the source Secret {@code registry-creds/name} with new content, as a token refresh does; returns its new data. */
    static Map<String, String> rotate(String name, String registry) {
        Map<String, String> data = dockerConfig(Suite.SOURCES, name, registry, "rotated-" + System.nanoTime()).getData();
        admin().secrets().inNamespace(Suite.SOURCES).withName(name).edit(s -> {
            s.setData(data);
            return s;
        });
        return data;
    }

    /**
     * A kubeconfig that authenticates as {@code namespace/serviceAccount} with a token from the
     * TokenRequest API, so that the one who uses it can do exactly what RBAC grants that account.
     */
    static Path serviceAccountKubeconfig(String namespace, String serviceAccount) {
        String token = admin().serviceAccounts().inNamespace(namespace).withName(serviceAccount)
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(4 * 3600L).endSpec().build())
                .getStatus().getToken();
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: e2e
                    cluster:
                      server: %s
                      certificate-authority: %s
                users:
                  - name: %s
                    user:
                      token: %s
                contexts:
                  - name: e2e
                    context:
                      cluster: e2e
                      user: %s
                current-context: e2e
                """.formatted(SERVER, CLUSTER_CA, serviceAccount, token, serviceAccount);
        Path file = WORK.resolve(serviceAccount + ".kubeconfig");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run the e2e suite with `make e2e`, which starts the"
                    + " control plane and sets it");
        }
        return value;
    }
}
