package io.pullsecretinjector.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullsecretinjector.inventory.ImageInventory;
import io.pullsecretinjector.patch.PatchOperation;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyError;
import io.pullsecretinjector.policy.PolicyParseResult;
import io.pullsecretinjector.policy.PolicyParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code review}: what the webhook would do to the Pods in some manifests, offline: no server, no
 * cluster. Exit code 0 when every input was evaluated, 1 when the policy or an input is invalid
 * (every error is printed with its path), 2 for a wrong command line.
 */
@Command(name = "review", sortOptions = false, mixinStandardHelpOptions = true,
        description = {
                "Shows what the webhook would do to the Pods in MANIFEST files, with no server and no cluster: which credentials apply and why, "
                        + "which do not and why, the JSON patch and the resulting imagePullSecrets.",
                "Reads Pods, the Pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs, Lists, and AdmissionReviews; "
                        + "YAML files may hold many documents.",
                "Exit code: 0 when every input was evaluated, 1 when the policy or an input is invalid, 2 for a wrong command line."},
        footer = {"", "Examples:",
                "  review --policy examples/policy.yaml --secrets examples/embedded-api examples/workloads.yaml",
                "  review --check-policy my-policy.yaml",
                "  helm template my-release my-chart | review --images -"})
public final class ReviewCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The output formats. */
    enum Format {
        text,
        json
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--policy", paramLabel = "POLICY.yaml", description = "The InjectionPolicy to apply.")
    Path policy;

    @Option(names = "--check-policy", paramLabel = "POLICY.yaml", description = "Only validate this policy; no MANIFEST is read.")
    Path checkPolicy;

    @Option(names = "--images", description = {
            "Only list the images the MANIFEST files would run (containers, init and ephemeral containers of Pods and Pod templates), "
                    + "normalised, one per line (or JSON with -o json): what to mirror for an air-gapped cluster. No policy needed."})
    boolean images;

    @Option(names = "--secrets", paramLabel = "DIR_OR_FILE", description = {
            "The source Secrets the policy names (manifests; a directory is read recursively, other kinds are ignored). Repeatable.",
            "Without it, credentials that take their registries from their Secret cannot be judged."})
    List<String> secrets = new ArrayList<>();

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", defaultValue = "default",
            description = "The namespace of manifests that name none (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--injector-namespace", paramLabel = "NAMESPACE", defaultValue = "pullsecret-injector",
            description = "The injector's own namespace, always excluded (default: ${DEFAULT-VALUE}).")
    String injectorNamespace;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    Format output;

    @Parameters(paramLabel = "MANIFEST", arity = "0..*", description = "Manifest files (YAML or JSON); - reads standard input.")
    List<String> manifests = new ArrayList<>();

    /** Standard input for {@code -}; tests replace it. */
    static InputStream stdinOverride;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (checkPolicy != null) {
            if (policy != null || !manifests.isEmpty() || !secrets.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--check-policy takes only the policy; drop --policy, --secrets and MANIFEST");
            }
            return checkPolicy(out, err);
        }
        if (images) {
            if (manifests.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--images needs at least one MANIFEST (or - for standard input)");
            }
            return listImages(out, err);
        }
        if (policy == null) {
            throw new ParameterException(spec.commandLine(), "--policy is required (or --check-policy to validate a policy alone)");
        }
        if (manifests.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give at least one MANIFEST to review (or - for standard input)");
        }
        PolicyParseResult parsed = parsePolicy(policy);
        if (!parsed.valid()) {
            report(out, err, parsed.errors(), List.of(), List.of(), List.of());
            return 1;
        }
        List<Manifests.InputError> errors = new ArrayList<>();
        SourceSecretFiles sources = secrets.isEmpty() ? SourceSecretFiles.none() : Manifests.readSecrets(secrets, errors);
        Manifests read = new Manifests(namespace);
        InputStream stdin = stdinOverride != null ? stdinOverride : System.in;
        manifests.forEach(m -> read.read(m, stdin));
        errors.addAll(read.errors());
        OfflineReview reviewer = new OfflineReview(parsed.policy(), injectorNamespace, sources);
        List<Reviewed> reviewed = new ArrayList<>();
        for (Manifests.Target t : read.targets()) {
            reviewed.add(new Reviewed(t, reviewer.review(t.namespace(), PodFacts.fromJson(t.pod()))));
        }
        report(out, err, List.of(), reviewed, read.skipped(), errors);
        return errors.isEmpty() ? 0 : 1;
    }

    /** One target and its result. */
    record Reviewed(Manifests.Target target, OfflineReview.Result result) {
    }

    private Integer listImages(PrintWriter out, PrintWriter err) {
        Manifests read = new Manifests(namespace);
        InputStream stdin = stdinOverride != null ? stdinOverride : System.in;
        manifests.forEach(m -> read.read(m, stdin));
        ImageInventory inventory = new ImageInventory(Integer.MAX_VALUE, () -> 0L);
        for (Manifests.Target t : read.targets()) {
            inventory.record(t.namespace(), PodFacts.fromJson(t.pod()).images());
        }
        if (output == Format.json) {
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
            out.println(root.toPrettyString());
        } else {
            inventory.entries().forEach(e -> out.println(e.image()));
            read.errors().forEach(err::println);
        }
        out.flush();
        err.flush();
        return read.errors().isEmpty() ? 0 : 1;
    }

    private Integer checkPolicy(PrintWriter out, PrintWriter err) {
        PolicyParseResult parsed = parsePolicy(checkPolicy);
        if (output == Format.json) {
            ObjectNode o = JSON.createObjectNode().put("policy", checkPolicy.toString()).put("valid", parsed.valid());
            if (parsed.valid()) {
                o.put("registryCredentials", parsed.policy().registryCredentials().size());
            }
            o.set("errors", policyErrors(parsed.errors()));
            out.println(o.toPrettyString());
        } else if (parsed.valid()) {
            out.printf("%s: valid (%d registry credentials)%n", checkPolicy, parsed.policy().registryCredentials().size());
        } else {
            parsed.errors().forEach(e -> err.printf("%s: %s%n", checkPolicy, e));
            err.printf("%s: invalid (%d errors)%n", checkPolicy, parsed.errors().size());
        }
        out.flush();
        err.flush();
        return parsed.valid() ? 0 : 1;
    }

    private static PolicyParseResult parsePolicy(Path file) {
        try {
            return new PolicyParser().parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new PolicyParseResult(null, List.of(new PolicyError("(file)", "does not exist")));
        } catch (IOException e) {
            return new PolicyParseResult(null, List.of(new PolicyError("(file)", "cannot be read: " + e.getMessage())));
        }
    }

    private void report(PrintWriter out, PrintWriter err, List<PolicyError> policyErrors, List<Reviewed> reviewed,
                        List<Manifests.Skipped> skipped, List<Manifests.InputError> errors) {
        if (output == Format.json) {
            out.println(toJson(policyErrors, reviewed, skipped, errors).toPrettyString());
        } else {
            if (policyErrors.isEmpty()) {
                TextReport.print(out, reviewed, skipped);
            }
            policyErrors.forEach(e -> err.printf("%s: %s%n", policy, e));
            if (!policyErrors.isEmpty()) {
                err.printf("%s: invalid (%d errors); nothing was reviewed%n", policy, policyErrors.size());
            }
            errors.forEach(e -> err.println(e));
            if (!errors.isEmpty()) {
                err.printf("%d invalid input(s)%n", errors.size());
            }
        }
        out.flush();
        err.flush();
    }

    private ObjectNode toJson(List<PolicyError> policyErrors, List<Reviewed> reviewed, List<Manifests.Skipped> skipped,
                              List<Manifests.InputError> errors) {
        ObjectNode root = JSON.createObjectNode().put("policy", policy.toString());
        root.set("policyErrors", policyErrors(policyErrors));
        ArrayNode reviews = root.putArray("reviews");
        for (Reviewed r : reviewed) {
            Manifests.Target t = r.target();
            OfflineReview.Result res = r.result();
            ObjectNode o = reviews.addObject().put("source", t.source()).put("kind", t.kind()).put("name", t.name())
                    .put("namespace", t.namespace()).put("podPath", t.podPath());
            Decision d = res.decision();
            o.put("skipped", d.skipReason());
            ArrayNode rewrites = o.putArray("rewrites");
            d.rewrites().forEach(rw -> rewrites.addObject().put("container", rw.container().container())
                    .put("from", rw.container().image()).put("to", rw.image()).put("policyPath", rw.rule().path()));
            ArrayNode applied = o.putArray("applied");
            d.applied().stream().filter(m -> res.sourceMissing().stream().noneMatch(x -> x.credential() == m.credential())).forEach(m -> applied.addObject()
                    .put("credential", m.credential().targetSecretName()).put("source", m.credential().source())
                    .put("policyPath", m.credential().path()).put("image", m.image()).put("registry", m.registry().text()));
            ArrayNode notApplied = o.putArray("notApplied");
            List<Decision.Miss> misses = new ArrayList<>(d.notApplied());
            misses.addAll(res.sourceMissing());
            misses.forEach(m -> notApplied.addObject().put("credential", m.credential().targetSecretName())
                    .put("source", m.credential().source()).put("policyPath", m.credential().path())
                    .put("reason", m.reason()).put("warning", m.warn()));
            o.set("patch", patchJson(res.patch()));
            ArrayNode names = o.putArray("imagePullSecrets");
            res.imagePullSecrets().forEach(names::add);
            ArrayNode warnings = o.putArray("warnings");
            res.warnings().forEach(warnings::add);
        }
        ArrayNode notReviewed = root.putArray("notReviewed");
        skipped.forEach(s -> notReviewed.addObject().put("source", s.source()).put("object", s.what()).put("reason", s.reason()));
        ArrayNode errs = root.putArray("errors");
        errors.forEach(e -> errs.addObject().put("source", e.source()).put("path", e.path()).put("message", e.message()));
        return root;
    }

    private static ArrayNode policyErrors(List<PolicyError> errors) {
        ArrayNode a = JSON.createArrayNode();
        errors.forEach(e -> a.addObject().put("path", e.path()).put("message", e.message()));
        return a;
    }

    /** The operations as the RFC 6902 document the webhook sends (base64-decoded). */
    static ArrayNode patchJson(List<PatchOperation> ops) {
        ArrayNode patch = JSON.createArrayNode();
        for (PatchOperation op : ops) {
            ObjectNode o = patch.addObject().put("op", op.op()).put("path", op.path());
            if (op.value() != null) {
                o.set("value", op.value());
            }
        }
        return patch;
    }
}
