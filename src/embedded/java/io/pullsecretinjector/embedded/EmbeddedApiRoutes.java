package io.pullsecretinjector.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pullsecretinjector.policy.DockerConfig;
import io.pullsecretinjector.policy.RegistryPattern;
import io.pullsecretinjector.secrets.copy.ManagedCopy;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.Comparator;
import java.util.Map;

/**
 * A read-only look into the embedded API, on the management port and only while it is used, so
 * {@code make demo} can show the copies the injector made. Secret data never leaves: each Secret is
 * listed with its type, labels of interest, source annotation and the registries of its auths.
 *
 * <pre>GET /q/embedded-api                               where it runs and why
 * GET /q/embedded-api/namespaces/{namespace}/secrets  the Secrets of a namespace, without data</pre>
 */
@ApplicationScoped
public class EmbeddedApiRoutes {

    static final String ROOT = "/q/embedded-api";
    private static final ObjectMapper JSON = new ObjectMapper();

    void register(@Observes ManagementInterface management, EmbeddedKubernetesApi embedded, Instance<KubernetesClient> client) {
        if (!embedded.active()) {
            return;
        }
        management.router().get(ROOT).handler(ctx -> json(ctx, 200, JSON.createObjectNode()
                .put("url", embedded.url()).put("reason", embedded.choice().reason())));
        management.router().get(ROOT + "/namespaces/:namespace/secrets").blockingHandler(ctx -> {
            String namespace = ctx.pathParam("namespace");
            ArrayNode out = JSON.createArrayNode();
            client.get().secrets().inNamespace(namespace).list().getItems().stream()
                    .sorted(Comparator.comparing(s -> s.getMetadata().getName()))
                    .forEach(s -> out.add(describe(s)));
            json(ctx, 200, JSON.createObjectNode().put("namespace", namespace).set("secrets", out));
        });
    }

    static ObjectNode describe(Secret s) {
        ObjectNode o = JSON.createObjectNode().put("name", s.getMetadata().getName()).put("type", s.getType());
        Map<String, String> labels = s.getMetadata().getLabels() == null ? Map.of() : s.getMetadata().getLabels();
        Map<String, String> annotations = s.getMetadata().getAnnotations() == null ? Map.of() : s.getMetadata().getAnnotations();
        o.put("managedBy", labels.getOrDefault(ManagedCopy.MANAGED_BY_LABEL, ""));
        o.put("source", annotations.getOrDefault(ManagedCopy.SOURCE_ANNOTATION, ""));
        ArrayNode registries = o.putArray("registries");
        try {
            DockerConfig.registries(s.getType(), s.getData()).stream().map(RegistryPattern::text).forEach(registries::add);
        } catch (IllegalArgumentException e) {
            o.put("registriesProblem", e.getMessage());
        }
        return o;
    }

    private static void json(RoutingContext ctx, int status, ObjectNode body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toString());
    }
}
