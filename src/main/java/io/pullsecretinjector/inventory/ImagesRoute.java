package io.pullsecretinjector.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullsecretinjector.policy.ImageReference;
import io.pullsecretinjector.policy.ImageRewrite;
import io.pullsecretinjector.policy.PolicyStore;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code GET /images} on the management port: the inventory of images to mirror.
 * <ul>
 * <li>JSON by default; {@code ?format=text} gives one normalised reference per line, ready for
 * {@code skopeo sync}, {@code crane copy} or a mirror script;</li>
 * <li>{@code ?registry=docker.io} keeps one registry (Docker Hub aliases fold into docker.io);</li>
 * <li>{@code ?unmirrored=true} drops images already under an {@code imageRewrites} target.</li>
 * </ul>
 */
@ApplicationScoped
public class ImagesRoute {

    static final String PATH = "/images";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ImageInventory inventory;
    private final PolicyStore policies;

    public ImagesRoute(ImageInventory inventory, PolicyStore policies) {
        this.inventory = inventory;
        this.policies = policies;
    }

    void register(@Observes ManagementInterface management) {
        management.router().get(PATH).handler(this::images);
    }

    void images(RoutingContext ctx) {
        String format = ctx.queryParams().get("format");
        String registry = ctx.queryParams().get("registry");
        boolean unmirrored = "true".equalsIgnoreCase(ctx.queryParams().get("unmirrored"));
        if (format != null && !format.equals("json") && !format.equals("text")) {
            ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
                    .end(JSON.createObjectNode().put("error", "format must be json or text").toString());
            return;
        }
        List<ImageInventory.Entry> entries = select(inventory.entries(), registry, unmirrored, rules());
        if ("text".equals(format)) {
            String body = entries.stream().map(ImageInventory.Entry::image).collect(Collectors.joining("\n"));
            ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(body.isEmpty() ? "" : body + "\n");
            return;
        }
        ObjectNode root = JSON.createObjectNode().put("capacity", inventory.capacity()).put("evicted", inventory.evicted());
        ArrayNode out = root.putArray("images");
        for (ImageInventory.Entry e : entries) {
            ObjectNode o = out.addObject().put("image", e.image()).put("registry", e.registry());
            e.references().forEach(o.putArray("references")::add);
            e.namespaces().forEach(o.putArray("namespaces")::add);
            o.put("firstSeen", e.firstSeen().toString()).put("lastSeen", e.lastSeen().toString()).put("count", e.count());
        }
        ctx.response().putHeader("Content-Type", "application/json").end(root.toString());
    }

    private List<ImageRewrite> rules() {
        PolicyStore.Loaded loaded = policies.current();
        return loaded == null ? List.of() : loaded.policy().imageRewrites();
    }

    /** The entries a query asks for. Pure. */
    static List<ImageInventory.Entry> select(List<ImageInventory.Entry> entries, String registry, boolean unmirrored, List<ImageRewrite> rules) {
        String host = registry == null || registry.isBlank() ? null : ImageReference.normaliseHost(registry.trim());
        return entries.stream()
                .filter(e -> host == null || e.registry().equals(host))
                .filter(e -> !unmirrored || !mirrored(ImageReference.parse(e.image()), rules))
                .toList();
    }

    private static boolean mirrored(ImageReference image, List<ImageRewrite> rules) {
        return rules.stream().anyMatch(r -> r.isTarget(image));
    }
}
