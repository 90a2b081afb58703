package io.pullsecretinjector.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes manifests (YAML with any number of documents, or JSON; files, directories walked
 * recursively, or standard input) and finds the Pods in them: a Pod itself, the Pod template of a
 * built-in workload ({@link PodTemplates#KNOWN}), a Pod template found at the usual paths of any
 * other object, the items of a List, and the Pod of an AdmissionReview (so recorded reviews can be
 * replayed offline).
 */
public final class Manifests {

    /**
     * A Pod to review.
     *
     * @param file         the file it was read from ({@link ManifestFiles#STDIN} for standard input)
     * @param document     the document's position in the file, from 1
     * @param item         its position in a List's {@code items}, from 0, or null when it is not in a List
     * @param apiVersion   the manifest's apiVersion, or empty
     * @param kind         the manifest's kind
     * @param name         the manifest's name ({@code generateName*} when it has none)
     * @param namespace    the namespace the Pod would be created in
     * @param podPath      where the Pod is in the manifest: {@code (document)}, {@code spec.template}, ...
     * @param foundByShape true when the kind is not a built-in workload and the template was found at a usual path
     * @param pod          the Pod or Pod template
     */
    public record Target(String file, int document, Integer item, String apiVersion, String kind, String name, String namespace,
                         String podPath, boolean foundByShape, JsonNode pod) {

        /** {@code file#document}, with {@code items[i]} for an item of a List: where to look. */
        public String source() {
            return Manifests.source(file, document, item);
        }
    }

    /**
     * A document that is not reviewed, with why.
     *
     * @param source {@code file#document}
     * @param what   e.g. {@code Service/web}
     * @param reason why it is not reviewed
     */
    public record Skipped(String source, String what, String reason) {
    }

    /**
     * A problem in an input.
     *
     * @param source  the file, or {@code file#document}
     * @param path    the field path, or {@code (document)} / {@code (file)}
     * @param message what is wrong
     */
    public record InputError(String source, String path, String message) {
        @Override
        public String toString() {
            return source + ": " + path + ": " + message;
        }
    }

    private static final YAMLMapper YAML = new YAMLMapper();

    private final String defaultNamespace;
    private final List<Target> targets = new ArrayList<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private final List<InputError> errors = new ArrayList<>();
    private final Map<String, Map<String, String>> namespaceLabels = new java.util.TreeMap<>();

    /** @param defaultNamespace the namespace of manifests that name none, as kubectl would use */
    public Manifests(String defaultNamespace) {
        this.defaultNamespace = defaultNamespace;
    }

    public List<Target> targets() {
        return targets;
    }

    public List<Skipped> skipped() {
        return skipped;
    }

    public List<InputError> errors() {
        return errors;
    }

    /** The labels of the Namespace objects among the manifests, by name: what the policy's namespaceSelector is tested against. */
    public Map<String, Map<String, String>> namespaceLabels() {
        return namespaceLabels;
    }

    /**
     * Reads a command-line argument: a file, a directory (recursively) or {@code -} for standard
     * input, collecting targets, skipped documents and errors.
     */
    public void read(String argument, InputStream stdin) {
        ManifestFiles.Expanded expanded = ManifestFiles.expand(argument, "MANIFEST takes a manifest file, a directory of them, or - for standard input");
        if (expanded.problem() != null) {
            errors.add(new InputError(argument, "(file)", expanded.problem()));
        }
        for (String file : expanded.files()) {
            String name = "-".equals(file) ? ManifestFiles.STDIN : file;
            try (InputStream in = ManifestFiles.open(file, stdin)) {
                forEachDocument(name, in, errors, (document, doc) -> add(name, document, null, doc));
            } catch (NoSuchFileException e) {
                errors.add(new InputError(name, "(file)", "does not exist"));
            } catch (IOException e) {
                errors.add(new InputError(name, "(file)", "cannot be read: " + e.getMessage()));
            }
        }
    }

    /** A document with its position in the file, from 1. */
    interface DocumentConsumer {
        void accept(int document, JsonNode doc);
    }

    /** {@code file#document}, with {@code items[i]} for an item of a List. */
    static String source(String file, int document, Integer item) {
        return file + "#" + document + (item == null ? "" : " items[" + item + "]");
    }

    /** Calls {@code consumer} for each non-empty document; a syntax error is recorded and ends the file. */
    static void forEachDocument(String file, InputStream in, List<InputError> errors, DocumentConsumer consumer) throws IOException {
        int n = 0;
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(in)) {
            while (docs.hasNextValue()) {
                JsonNode doc = docs.nextValue();
                n++;
                if (doc == null || doc.isNull() || doc.isMissingNode() || (doc.isObject() && doc.isEmpty())) {
                    continue;
                }
                consumer.accept(n, doc);
            }
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            errors.add(new InputError(file + "#" + (n + 1), "(document)", "is not valid YAML or JSON" + where + ": " + e.getOriginalMessage()));
        } catch (RuntimeException e) {
            // MappingIterator wraps parse errors met by hasNextValue
            Throwable cause = e.getCause() instanceof JsonProcessingException j ? j : e;
            errors.add(new InputError(file + "#" + (n + 1), "(document)", "is not valid YAML or JSON: " + cause.getMessage()));
        }
    }

    private void add(String file, int document, Integer item, JsonNode doc) {
        String source = source(file, document, item);
        if (!doc.isObject()) {
            errors.add(new InputError(source, "(document)", "must be a Kubernetes object (a mapping with apiVersion and kind)"));
            return;
        }
        String kind = doc.path("kind").asText("");
        if (kind.isEmpty()) {
            errors.add(new InputError(source, "kind", "is required"));
            return;
        }
        if (kind.endsWith("List") && doc.path("items").isArray() && item == null) {
            int i = 0;
            for (JsonNode each : doc.path("items")) {
                add(file, document, i++, each);
            }
            return;
        }
        if ("AdmissionReview".equals(kind)) {
            addReview(file, document, item, doc);
            return;
        }
        String apiVersion = doc.path("apiVersion").asText("");
        String name = nameOf(doc);
        String namespace = doc.path("metadata").path("namespace").asText("");
        namespace = namespace.isEmpty() ? defaultNamespace : namespace;
        if ("Pod".equals(kind)) {
            if (!doc.path("spec").isObject()) {
                errors.add(new InputError(source, "spec", "is required: a Pod without a spec has no images"));
                return;
            }
            targets.add(new Target(file, document, item, apiVersion, kind, name, namespace, "(document)", false, doc));
            return;
        }
        if ("Namespace".equals(kind) && "v1".equals(apiVersion)) {
            Map<String, String> labels = new java.util.TreeMap<>();
            doc.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            namespaceLabels.put(name, labels);
            return;
        }
        String known = PodTemplates.KNOWN.get(kind);
        if (known != null) {
            JsonNode template = PodTemplates.at(doc, known);
            if (!template.path("spec").isObject()) {
                errors.add(new InputError(source, known + ".spec", "is required: a " + kind + " without a Pod template has no images"));
                return;
            }
            targets.add(new Target(file, document, item, apiVersion, kind, name, namespace, known, false, template));
            return;
        }
        List<String> found = PodTemplates.foundByShape(doc);
        if (found.isEmpty()) {
            String near = PodTemplates.USUAL_PATHS.stream().filter(p -> PodTemplates.at(doc, p).isObject()).findFirst()
                    .map(p -> " (its " + p + " has no spec.containers)").orElse("");
            skipped.add(new Skipped(source, kind + "/" + name, ("AEIOU".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind + " has no Pod template" + near));
            return;
        }
        for (String path : found) {
            targets.add(new Target(file, document, item, apiVersion, kind, name, namespace, path, true, PodTemplates.at(doc, path)));
        }
    }

    private void addReview(String file, int document, Integer item, JsonNode review) {
        String source = source(file, document, item);
        JsonNode request = review.path("request");
        JsonNode object = request.path("object");
        String kind = request.path("kind").path("kind").asText("");
        String operation = request.path("operation").asText("");
        String what = "AdmissionReview " + request.path("uid").asText("(no uid)");
        if (!request.isObject()) {
            errors.add(new InputError(source, "request", "is required in an AdmissionReview"));
            return;
        }
        if (!"Pod".equals(kind) || !"CREATE".equals(operation) || !request.path("subResource").asText("").isEmpty()) {
            skipped.add(new Skipped(source, what, "it is a " + operation + " of " + (kind.isEmpty() ? "(no kind)" : kind)
                    + "; the webhook admits everything but a Pod CREATE untouched"));
            return;
        }
        if (!object.isObject()) {
            errors.add(new InputError(source, "request.object", "is required: the Pod being created"));
            return;
        }
        String namespace = request.path("namespace").asText("");
        if (namespace.isEmpty()) {
            namespace = object.path("metadata").path("namespace").asText("");
        }
        targets.add(new Target(file, document, item, object.path("apiVersion").asText("v1"), "Pod", nameOf(object),
                namespace.isEmpty() ? defaultNamespace : namespace, "request.object", false, object));
    }

    private static String nameOf(JsonNode doc) {
        String name = doc.path("metadata").path("name").asText("");
        if (!name.isEmpty()) {
            return name;
        }
        String generateName = doc.path("metadata").path("generateName").asText("");
        return generateName.isEmpty() ? "(unnamed)" : generateName + "*";
    }
}
