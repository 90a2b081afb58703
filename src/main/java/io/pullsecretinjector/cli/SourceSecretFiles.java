package io.pullsecretinjector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pullsecretinjector.policy.DockerConfig;
import io.pullsecretinjector.policy.RegistryCredential;
import io.pullsecretinjector.policy.SourceRegistries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source Secrets given to {@code review --secrets}: the offline stand-in for the API server.
 * Only the registries in their {@code auths} are read; the credentials are never printed.
 *
 * <p>With no {@code --secrets} at all, a credential that lists its registries is assumed to have
 * its source Secret, and one that takes them from the Secret cannot be judged (a warning says so).
 * With {@code --secrets}, a source Secret not among them is missing, exactly as the live webhook
 * would find it.
 */
public final class SourceSecretFiles implements SourceRegistries {

    /** A Secret manifest: its type and data (base64 values, {@code stringData} merged in). */
    record SecretDoc(String type, Map<String, String> data) {
    }

    private final boolean given;
    private final String origin;
    private final Map<String, SecretDoc> secrets;

    private SourceSecretFiles(boolean given, String origin, Map<String, SecretDoc> secrets) {
        this.given = given;
        this.origin = origin;
        this.secrets = secrets;
    }

    /** No {@code --secrets}. */
    public static SourceSecretFiles none() {
        return new SourceSecretFiles(false, "", Map.of());
    }

    /** The Secrets found in {@code origin} (for messages), keyed {@code namespace/name}. */
    static SourceSecretFiles of(String origin, Map<String, SecretDoc> secrets) {
        return new SourceSecretFiles(true, origin, new LinkedHashMap<>(secrets));
    }

    /** Reads the Secret manifests in files and directories (recursively: *.yaml, *.yml, *.json); other kinds are ignored. */
    static SourceSecretFiles readAll(List<String> paths, List<Manifests.InputError> errors) {
        Map<String, SecretDoc> secrets = new LinkedHashMap<>();
        for (String p : paths) {
            ManifestFiles.Expanded expanded = "-".equals(p)
                    ? new ManifestFiles.Expanded(List.of(), "standard input is for MANIFEST only; give --secrets a Secret manifest or a directory of them")
                    : ManifestFiles.expand(p, "--secrets takes a Secret manifest or a directory of them");
            if (expanded.problem() != null) {
                errors.add(new Manifests.InputError(p, "(file)", expanded.problem()));
            }
            for (String f : expanded.files()) {
                try (InputStream in = Files.newInputStream(Path.of(f))) {
                    Manifests.forEachDocument(f, in, errors, new Manifests.DocumentConsumer() {
                        @Override
                        public void accept(int document, JsonNode doc) {
                            if (doc.path("items").isArray() && doc.path("kind").asText("").endsWith("List")) {
                                doc.path("items").forEach(item -> accept(document, item));
                            } else if ("Secret".equals(doc.path("kind").asText(""))) {
                                String problem = read(doc, secrets);
                                if (problem != null) {
                                    int colon = problem.indexOf(": ");
                                    errors.add(new Manifests.InputError(f + "#" + document, problem.substring(0, colon), problem.substring(colon + 2)));
                                }
                            }
                        }
                    });
                } catch (IOException e) {
                    errors.add(new Manifests.InputError(f, "(file)", "cannot be read: " + e.getMessage()));
                }
            }
        }
        return of(String.join(", ", paths), secrets);
    }

    /** Reads a Secret manifest; returns an error message, or null and puts it into {@code into}. */
    static String read(JsonNode doc, Map<String, SecretDoc> into) {
        String name = doc.path("metadata").path("name").asText("");
        String namespace = doc.path("metadata").path("namespace").asText("");
        if (name.isEmpty()) {
            return "metadata.name: is required";
        }
        if (namespace.isEmpty()) {
            return "metadata.namespace: is required for a source Secret (the policy names it by namespace and name)";
        }
        Map<String, String> data = new LinkedHashMap<>();
        doc.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        doc.path("stringData").properties().forEach(e -> data.put(e.getKey(),
                Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        into.put(namespace + "/" + name, new SecretDoc(doc.path("type").asText("Opaque"), data));
        return null;
    }

    @Override
    public Lookup registriesOf(RegistryCredential credential) {
        if (!given) {
            return Lookup.unavailable("its registries come from source secret " + credential.source()
                    + ", which review cannot see; pass --secrets with its manifest (kubectl get secret " + credential.existingSecret()
                    + " -n " + credential.existingSecretNamespace() + " -o yaml), or list the registries in the policy");
        }
        String missing = missing(credential);
        if (missing != null) {
            return Lookup.unavailable(missing);
        }
        SecretDoc s = secrets.get(credential.source());
        try {
            return Lookup.found(DockerConfig.registries(s.type(), s.data()));
        } catch (IllegalArgumentException e) {
            return Lookup.unavailable("source secret " + credential.source() + " " + e.getMessage());
        }
    }

    /** Why the credential's source Secret is missing, or null when it is there (or cannot be known). */
    public String missing(RegistryCredential credential) {
        if (!given || secrets.containsKey(credential.source())) {
            return null;
        }
        return "source secret " + credential.source() + " does not exist (not in --secrets " + origin + "); create it (kubectl create secret docker-registry "
                + credential.existingSecret() + " -n " + credential.existingSecretNamespace() + " ...) or fix " + credential.path() + " in the policy";
    }

    /** The {@code namespace/name} of every Secret read. */
    public List<String> names() {
        return List.copyOf(secrets.keySet());
    }
}
