package io.pullsecretinjector.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullsecretinjector.inventory.ImageInventory;
import io.pullsecretinjector.policy.PodFacts;
import java.io.PrintWriter;

/**
 * {@code review --images}: the images some manifests would run, normalised, each once: what to
 * mirror for an air-gapped cluster. Built with the webhook's own image inventory.
 */
final class ImageList {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageList() {
    }

    /** Prints the images of the Pods read, one per line or as a document; returns the exit code. */
    static int print(Manifests read, ReviewCommand.Format output, PrintWriter out, PrintWriter err) {
        ImageInventory inventory = new ImageInventory(Integer.MAX_VALUE, () -> 0L);
        for (Manifests.Target t : read.targets()) {
            inventory.record(t.namespace(), PodFacts.fromJson(t.pod()).images());
        }
        if (output != ReviewCommand.Format.text) {
            ArrayNode list = JSON.createArrayNode();
            for (ImageInventory.Entry e : inventory.entries()) {
                ObjectNode o = list.addObject().put("image", e.image()).put("registry", e.registry()).put("count", e.count());
                e.references().forEach(o.putArray("references")::add);
                e.namespaces().forEach(o.putArray("namespaces")::add);
            }
            ObjectNode root = JSON.createObjectNode();
            root.set("images", list);
            ArrayNode errs = root.putArray("errors");
            read.errors().forEach(e -> errs.addObject().put("source", e.source()).put("path", e.path()).put("message", e.message()));
            JsonReport.print(out, output, root);
        } else {
            inventory.entries().forEach(e -> out.println(e.image()));
            read.errors().forEach(err::println);
        }
        out.flush();
        err.flush();
        return read.errors().isEmpty() ? ExitCodes.OK : ExitCodes.INVALID;
    }
}
