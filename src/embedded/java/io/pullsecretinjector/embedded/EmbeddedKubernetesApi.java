package io.pullsecretinjector.embedded;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.pullsecretinjector.config.InjectorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The embedded in-memory Kubernetes API of {@code make run} without a cluster: fabric8's mock
 * server in CRUD mode, on a free loopback port, seeded from {@code injector.embedded-api-seed}.
 * {@link EmbeddedApiConfigCustomizer} points the application's KubernetesClient at it, so the
 * injector uses it exactly as it would a real API server. Started only when {@link ApiServerChoice}
 * says so; otherwise this bean does nothing but log which API is used.
 */
@Singleton
public class EmbeddedKubernetesApi {

    private static final Logger LOG = Logger.getLogger(EmbeddedKubernetesApi.class);

    private final InjectorConfig config;
    private final Optional<String> apiServerUrl;
    private final Instance<Config> clientConfig;
    private ApiServerChoice choice;
    private KubernetesMockServer server;
    private String url;

    public EmbeddedKubernetesApi(InjectorConfig config,
                                 @ConfigProperty(name = "quarkus.kubernetes-client.api-server-url") Optional<String> apiServerUrl,
                                 Instance<Config> clientConfig) {
        this.config = config;
        this.apiServerUrl = apiServerUrl;
        this.clientConfig = clientConfig;
    }

    /** The decision, made once. */
    public synchronized ApiServerChoice choice() {
        if (choice == null) {
            choice = ApiServerChoice.fromEnvironment(config.embeddedApi(), apiServerUrl);
        }
        return choice;
    }

    /** True when the embedded API is (to be) used. */
    public boolean active() {
        return choice().embedded();
    }

    /** The embedded API's URL, starting it on first use; only when {@link #active()}. */
    public synchronized String url() {
        if (!active()) {
            throw new IllegalStateException("the embedded Kubernetes API is not used: " + choice().reason());
        }
        if (server == null) {
            start();
        }
        return url;
    }

    // before the policy loader and anything else that may use the client
    void onStart(@Observes @Priority(1) StartupEvent event) {
        if (active()) {
            String at = url();
            LOG.infof("Kubernetes API: EMBEDDED in-memory API at %s, seeded from %s; nothing is sent to a real cluster. Why: %s",
                    at, config.embeddedApiSeed(), choice().reason());
        } else {
            String master;
            try {
                master = clientConfig.get().getMasterUrl();
            } catch (RuntimeException e) {
                master = "(could not be read: " + e.getMessage() + ")";
            }
            LOG.infof("Kubernetes API: %s; the embedded API is not started. Why: %s", master, choice().reason());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        synchronized (this) {
            if (server != null) {
                server.destroy();
                server = null;
            }
        }
    }

    private void start() {
        KubernetesMockServer s = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new CountingDispatcher(), false);
        s.init(InetAddress.getLoopbackAddress(), 0);
        server = s;
        url = "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + s.getPort();
        try (KubernetesClient seedClient = s.createClient()) {
            seed(seedClient, Path.of(config.embeddedApiSeed()));
        }
    }

    private static void seed(KubernetesClient client, Path dir) {
        if (!Files.isDirectory(dir)) {
            LOG.warnf("embedded Kubernetes API: seed directory %s does not exist (working directory %s); starting empty",
                    dir, Path.of("").toAbsolutePath());
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml") || p.toString().endsWith(".json"))
                    .sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            LOG.warnf("embedded Kubernetes API: cannot list %s (%s); starting empty", dir, e.toString());
            return;
        }
        List<HasMetadata> namespaces = new ArrayList<>();
        List<HasMetadata> others = new ArrayList<>();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                for (HasMetadata item : client.load(in).items()) {
                    (item instanceof Namespace ? namespaces : others).add(item);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warnf("embedded Kubernetes API: skipped %s: %s", file, e.getMessage());
            }
        }
        List<String> created = new ArrayList<>();
        for (HasMetadata item : Stream.concat(namespaces.stream(), others.stream()).toList()) {
            client.resource(item).create();
            String ns = item.getMetadata().getNamespace();
            created.add(item.getKind() + " " + (ns == null ? "" : ns + "/") + item.getMetadata().getName());
        }
        LOG.infof("embedded Kubernetes API seeded with %s", created);
    }
}
