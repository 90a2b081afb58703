package io.pullsecretinjector.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Renders charts/pullsecret-injector with real Helm (helm-java bundles it as a native library) and
 * parses the manifests with fabric8. Not a test itself; the HelmChart*Test classes use it.
 */
final class ChartRender {

    static final Path CHART = Path.of("charts", "pullsecret-injector");
    static final String RELEASE = "pullsecret-injector";
    static final String NAMESPACE = "pullsecret-injector";

    /**
     * The Kubernetes version templates are rendered for unless a test says otherwise. helm-java's
     * Helm is built without the version stamp official Helm binaries carry, so it would report
     * v1.20.0, older than the chart's kubeVersion; 1.31 is a cluster with matchConditions.
     */
    static final String KUBE_VERSION = "1.31.0";

    private static final ObjectMapper YAML = new YAMLMapper();

    private ChartRender() {
    }

    /**
     * The smallest install that renders: the chart's defaults plus image.repository, which has no
     * default. {@code null} as a ci/ values file means this one.
     */
    static final String MINIMAL = "minimal-values.yaml";

    /** Renders with the chart's defaults, a ci/ values file (null: {@link #MINIMAL}) and --set values. */
    static Manifests template(String ciValuesFile, Map<String, Object> sets) {
        return Manifests.parse(templateText(ciValuesFile, sets));
    }

    static Manifests template(String ciValuesFile) {
        return template(ciValuesFile, Map.of());
    }

    /** The raw `helm template` output; throws IllegalStateException with Helm's message when rendering fails. */
    static String templateText(String ciValuesFile, Map<String, Object> sets) {
        return bareText(sets, KUBE_VERSION, CHART.resolve("ci").resolve(ciValuesFile == null ? MINIMAL : ciValuesFile));
    }

    /** `helm template` of the chart's own defaults and --set values only (no ci/ file), as a user's first try would be. */
    static String bareText(Map<String, Object> sets) {
        return bareText(sets, KUBE_VERSION);
    }

    /** `helm template --kube-version` for templates that depend on the cluster's version. */
    static Manifests templateForKube(String kubeVersion, String ciValuesFile, Map<String, Object> sets) {
        return Manifests.parse(bareText(sets, kubeVersion, CHART.resolve("ci").resolve(ciValuesFile == null ? MINIMAL : ciValuesFile)));
    }

    /** NOTES.txt as `helm install --dry-run` prints it, for a ci/ values file (null: {@link #MINIMAL}) and --set values. */
    static String notes(String ciValuesFile, Map<String, Object> sets) {
        var install = new Helm(CHART).install().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION)
                .dryRun().clientOnly().withValuesFile(CHART.resolve("ci").resolve(ciValuesFile == null ? MINIMAL : ciValuesFile));
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            install = install.set(e.getKey(), e.getValue());
        }
        String out = install.call().getOutput();
        return out.substring(out.indexOf("NOTES:"));
    }

    /**
     * {@link #MINIMAL} plus values given as YAML, for what --set cannot say (an empty list).
     */
    static Manifests templateYaml(String kubeVersion, String valuesYaml) {
        try {
            Path file = Files.createTempFile("values-", ".yaml");
            try {
                Files.writeString(file, valuesYaml);
                return Manifests.parse(bareText(Map.of(), kubeVersion, CHART.resolve("ci").resolve(MINIMAL), file));
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String bareText(Map<String, Object> sets, String kubeVersion, Path... valuesFiles) {
        TemplateCommand cmd = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (Path valuesFile : valuesFiles) {
            if (valuesFile != null) {
                cmd = cmd.withValuesFile(valuesFile);
            }
        }
        if (kubeVersion != null) {
            cmd = cmd.withKubeVersion(kubeVersion);
        }
        for (Map.Entry<String, Object> e : sets.entrySet()) {
            cmd = cmd.set(e.getKey(), e.getValue());
        }
        return cmd.call();
    }

    /** NOTES.txt as `helm install --dry-run` prints it, for {@link #MINIMAL} and --set values (no cluster needed). */
    static String notes(Map<String, Object> sets) {
        return notes(null, sets);
    }

    /** The ci/ scenario files, sorted. */
    static List<String> ciValuesFiles() {
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-values.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * `helm lint --strict` of the chart with a ci/ values file (null: the defaults). helm-java's lint
     * takes no values file, so the chart is copied to a temporary directory whose values.yaml is the
     * chart's defaults merged with the scenario the way Helm merges -f (maps merge, the rest replaces).
     */
    static LintResult lintStrict(String ciValuesFile, Path tempDir) {
        if (ciValuesFile == null) {
            return new Helm(CHART).lint().strict().call();
        }
        try {
            Path copy = tempDir.resolve("pullsecret-injector");
            try (Stream<Path> paths = Files.walk(CHART)) {
                for (Path p : paths.toList()) {
                    Path target = copy.resolve(CHART.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                }
            }
            Map<String, Object> defaults = readYaml(CHART.resolve("values.yaml"));
            Map<String, Object> scenario = readYaml(CHART.resolve("ci").resolve(ciValuesFile));
            Files.writeString(copy.resolve("values.yaml"), YAML.writeValueAsString(merge(defaults, scenario)));
            return new Helm(copy).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readYaml(Path file) throws IOException {
        Map<String, Object> m = YAML.readValue(file.toFile(), Map.class);
        return m == null ? new LinkedHashMap<>() : m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
        Map<String, Object> out = new LinkedHashMap<>(base);
        over.forEach((k, v) -> {
            Object b = out.get(k);
            if (b instanceof Map<?, ?> bm && v instanceof Map<?, ?> vm) {
                out.put(k, merge((Map<String, Object>) bm, (Map<String, Object>) vm));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    /** The rendered objects. */
    record Manifests(List<HasMetadata> objects) {

        static Manifests parse(String text) {
            List<HasMetadata> out = new ArrayList<>();
            for (String doc : text.split("(?m)^---\\s*$")) {
                boolean empty = doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"));
                if (!empty) {
                    out.add(Serialization.unmarshal(doc));
                }
            }
            return new Manifests(List.copyOf(out));
        }

        /** "Kind/name" or "Kind/namespace/name" of every object, for whole-set assertions. */
        List<String> ids() {
            return objects.stream().map(Manifests::id).sorted().toList();
        }

        static String id(HasMetadata o) {
            String ns = o.getMetadata().getNamespace();
            return o.getKind() + "/" + (ns == null ? "" : ns + "/") + o.getMetadata().getName();
        }

        <T extends HasMetadata> List<T> all(Class<T> type) {
            return objects.stream().filter(type::isInstance).map(type::cast).toList();
        }

        /** The one object of this type; fails when there is none or more than one. */
        <T extends HasMetadata> T one(Class<T> type) {
            List<T> found = all(type);
            if (found.size() != 1) {
                throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size() + " in " + ids());
            }
            return found.get(0);
        }

        /** The objects of this kind as plain maps, whether or not fabric8 has a typed model for them. */
        List<GenericKubernetesResource> generic(String kind) {
            return objects.stream().filter(o -> kind.equals(o.getKind()))
                    .map(o -> o instanceof GenericKubernetesResource g ? g
                            : Serialization.unmarshal(Serialization.asJson(o), GenericKubernetesResource.class))
                    .toList();
        }
    }
}
