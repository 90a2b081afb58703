package io.pullsecretinjector.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes manifests (YAML with any number of documents, or JSON) and finds the Pods in
 * them: a Pod itself, the Pod template of a Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or
 * CronJob, the items of a List, and the Pod of an AdmissionReview (so recorded reviews can be
 * replayed offline).
 */
public final class Manifests {

    /** Where each workload kind keeps its Pod template. */
    static final Map<String, String> TEMPLATE_PATHS = Map.of(
            "Deployment", "spec.template",
            "StatefulSet", "spec.template",
            "DaemonSet", "spec.template",
            "ReplicaSet", "spec.template",
            "Job", "spec.template",
            "CronJob", "spec.jobTemplate.spec.template");

    /**
     * A Pod to review.
     *
     * @param source    {@code file#document} (documents count from 1)
     * @param kind      the manifest's kind
     * @param name      the manifest's name ({@code generateName*} when it has none)
     * @param namespace the namespace the Pod would be created in
     * @param podPath   where the Pod is in the manifest: {@code (document)}, {@code spec.template}, ...
     * @param pod       the Pod or Pod template
     */
    public record Target(String source, String kind, String name, String namespace, String podPath, JsonNode pod) {
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

    /** Reads a file ({@code -} for standard input), collecting targets, skipped documents and errors. */
    public void read(String file, InputStream stdin) {
        try (InputStream in = "-".equals(file) ? stdin : Files.newInputStream(Path.of(file))) {
            forEachDocument(file, in, errors, (source, doc) -> add(source, doc));
        } catch (NoSuchFileException e) {
            errors.add(new InputError(file, "(file)", "does not exist"));
        } catch (IOException e) {
            errors.add(new InputError(file, "(file)", "cannot be read: " + e.getMessage()));
        }
    }

    /** A document with its {@code file#n} name. */
    interface DocumentConsumer {
        void accept(String source, JsonNode doc);
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
                consumer.accept(file + "#" + n, doc);
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

    private void add(String source, JsonNode doc) {
        if (!doc.isObject()) {
            errors.add(new InputError(source, "(document)", "must be a Kubernetes object (a mapping with apiVersion and kind)"));
            return;
        }
        String kind = doc.path("kind").asText("");
        if (kind.isEmpty()) {
            errors.add(new InputError(source, "kind", "is required"));
            return;
        }
        if (kind.endsWith("List") && doc.path("items").isArray()) {
            int i = 0;
            for (JsonNode item : doc.path("items")) {
                add(source + " items[" + i++ + "]", item);
            }
            return;
        }
        String name = nameOf(doc);
        if ("AdmissionReview".equals(kind)) {
            addReview(source, doc);
            return;
        }
        String namespace = doc.path("metadata").path("namespace").asText("");
        namespace = namespace.isEmpty() ? defaultNamespace : namespace;
        if ("Pod".equals(kind)) {
            if (!doc.path("spec").isObject()) {
                errors.add(new InputError(source, "spec", "is required: a Pod without a spec has no images"));
                return;
            }
            targets.add(new Target(source, kind, name, namespace, "(document)", doc));
            return;
        }
        String path = TEMPLATE_PATHS.get(kind);
        if (path == null) {
            skipped.add(new Skipped(source, kind + "/" + name, "a " + kind + " has no Pod template"));
            return;
        }
        JsonNode template = doc;
        for (String part : path.split("\\.")) {
            template = template.path(part);
        }
        if (!template.path("spec").isObject()) {
            errors.add(new InputError(source, path + ".spec", "is required: a " + kind + " without a Pod template has no images"));
            return;
        }
        targets.add(new Target(source, kind, name, namespace, path, template));
    }

    private void addReview(String source, JsonNode review) {
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
        targets.add(new Target(source, "Pod", nameOf(object), namespace.isEmpty() ? defaultNamespace : namespace, "request.object", object));
    }

    private static String nameOf(JsonNode doc) {
        String name = doc.path("metadata").path("name").asText("");
        if (!name.isEmpty()) {
            return name;
        }
        String generateName = doc.path("metadata").path("generateName").asText("");
        return generateName.isEmpty() ? "(unnamed)" : generateName + "*";
    }

    /** Reads the Secret manifests in files and directories (recursively: *.yaml, *.yml, *.json); other kinds are ignored. */
    static SourceSecretFiles readSecrets(List<String> paths, List<InputError> errors) {
        Map<String, SourceSecretFiles.SecretDoc> secrets = new java.util.LinkedHashMap<>();
        for (String p : paths) {
            Path path = Path.of(p);
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(path)) {
                try (var walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(yaml|yml|json)$")).sorted().forEach(files::add);
                } catch (IOException e) {
                    errors.add(new InputError(p, "(file)", "cannot be read: " + e.getMessage()));
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                errors.add(new InputError(p, "(file)", "does not exist (--secrets takes a Secret manifest or a directory of them)"));
            }
            for (Path f : files) {
                try (InputStream in = Files.newInputStream(f)) {
                    forEachDocument(f.toString(), in, errors, new DocumentConsumer() {
                        @Override
                        public void accept(String source, JsonNode doc) {
                            if (doc.path("items").isArray() && doc.path("kind").asText("").endsWith("List")) {
                                doc.path("items").forEach(item -> accept(source, item));
                            } else if ("Secret".equals(doc.path("kind").asText(""))) {
                                String problem = SourceSecretFiles.read(doc, secrets);
                                if (problem != null) {
                                    int colon = problem.indexOf(": ");
                                    errors.add(new InputError(source, problem.substring(0, colon), problem.substring(colon + 2)));
                                }
                            }
                        }
                    });
                } catch (IOException e) {
                    errors.add(new InputError(f.toString(), "(file)", "cannot be read: " + e.getMessage()));
                }
            }
        }
        return SourceSecretFiles.of(String.join(", ", paths), secrets);
    }

}
