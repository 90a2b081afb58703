package io.pullsecretinjector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullsecretinjector.patch.PatchDocument;
import io.pullsecretinjector.patch.PatchOperation;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.NamespaceScope;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.PolicyError;
import io.pullsecretinjector.policy.PolicyParseResult;
import io.pullsecretinjector.policy.PolicyParser;
import io.pullsecretinjector.policy.RegistryPattern;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code review}: what the webhook would do to the Pods in some manifests, offline: no server, no
 * cluster. Its exit code is one a pipeline can gate on ({@link ExitCodes}).
 */
@Command(name = "review", sortOptions = false, mixinStandardHelpOptions = true,
        description = {
                "Shows what the webhook would do to the Pods in MANIFEST files, with no server and no cluster: which credentials apply and why, "
                        + "which do not and why, the JSON patch, the resulting imagePullSecrets, and the images no credential covers.",
                "Reads Pods, the Pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs "
                        + "and PodTemplates, a Pod template at spec.template or spec.jobTemplate.spec.template of any other object "
                        + "(custom resources such as Argo Rollouts), Lists, and AdmissionReviews; YAML files may hold many documents."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_INVALID, ExitCodes.HELP_USAGE, ExitCodes.HELP_MISSING, ExitCodes.HELP_SKIPPED},
        footer = {"", "Examples:",
                "  review --policy examples/policy.yaml --secrets examples/embedded-api examples/workloads.yaml",
                "  helm template my-release my-chart | review --policy policy.yaml --secrets secrets/ --fail-on-missing -o json -",
                "  review --policy policy.yaml --fail-on-missing --public-registry docker.io k8s/",
                "  review --policy policy.yaml --namespace-labels payments-prod=team=payments,tier=prod k8s/",
                "  review --check-policy my-policy.yaml",
                "  helm template my-release my-chart | review --images -",
                "",
                "The JSON and YAML report (apiVersion pullsecret-injector.io/v1, kind ReviewReport) is described in docs/review.md."})
public final class ReviewCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The output formats; json and yaml print the same document. */
    enum Format {
        text,
        json,
        yaml
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--policy", paramLabel = "POLICY.yaml", description = "The InjectionPolicy to apply.")
    Path policy;

    @Option(names = "--check-policy", paramLabel = "POLICY.yaml", description = "Only validate this policy; no MANIFEST is read.")
    Path checkPolicy;

    @Option(names = "--images", description = {
            "Only list the images the MANIFEST files would run (containers, init and ephemeral containers of Pods and Pod templates), "
                    + "normalised, one per line (or JSON or YAML with -o json, -o yaml): what to mirror for an air-gapped cluster. No policy needed."})
    boolean images;

    @Option(names = "--secrets", paramLabel = "DIR_OR_FILE", description = {
            "The source Secrets the policy names (manifests; a directory is read recursively, other kinds are ignored). Repeatable.",
            "Without it, credentials that take their registries from their Secret cannot be judged."})
    List<String> secrets = new ArrayList<>();

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", defaultValue = "default",
            description = "The namespace of manifests that name none (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--namespace-labels", paramLabel = "NAMESPACE=KEY=VALUE[,KEY=VALUE...]", description = {
            "The labels of a namespace, for the policy's namespaceSelector: team-a=team=payments,tier=prod (team-a= for none). Repeatable; "
                    + "wins over a Namespace object among the MANIFEST files, which is read too.",
            "A namespace whose labels are given neither way gets no credential that has a namespaceSelector."})
    List<String> namespaceLabels = new ArrayList<>();

    @Option(names = "--injector-namespace", paramLabel = "NAMESPACE", defaultValue = "pullsecret-injector",
            description = "The injector's own namespace, always excluded (default: ${DEFAULT-VALUE}).")
    String injectorNamespace;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, json or yaml (default: ${DEFAULT-VALUE}); json and yaml print one versioned ReviewReport document.")
    Format output;

    @Option(names = "--fail-on-missing", description = {
            "Exit with code 3 when an image of a reviewed Pod comes from a registry that no credential covers, "
                    + "or when a credential that applies has its source Secret missing from --secrets."})
    boolean failOnMissing;

    @Option(names = "--fail-on-skip", description = "Exit with code 4 when a Pod is skipped because the policy excludes its namespace.")
    boolean failOnSkip;

    @Option(names = "--public-registry", paramLabel = "REGISTRY", description = {
            "A registry whose images need no credential (written as in the policy's registries: a host glob, optionally with a path: "
                    + "docker.io/library, *.gcr.io). Its images count as covered for --fail-on-missing. Repeatable."})
    List<String> publicRegistries = new ArrayList<>();

    @Parameters(paramLabel = "MANIFEST", arity = "0..*",
            description = "Manifest files (YAML or JSON) or directories of them (read recursively: *.yaml, *.yml, *.json); - reads standard input.")
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
        Map<String, Map<String, String>> givenLabels;
        try {
            givenLabels = NamespaceLabelsOption.parse(namespaceLabels);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PolicyParseResult parsed = parsePolicy(policy);
        if (!parsed.valid()) {
            report(out, err, parsed.errors(), List.of(), List.of(), List.of(), ExitCodes.INVALID);
            return ExitCodes.INVALID;
        }
        List<Manifests.InputError> errors = new ArrayList<>();
        SourceSecretFiles sources = secrets.isEmpty() ? SourceSecretFiles.none() : SourceSecretFiles.readAll(secrets, errors);
        Manifests read = new Manifests(namespace);
        InputStream stdin = stdinOverride != null ? stdinOverride : System.in;
        manifests.forEach(m -> read.read(m, stdin));
        errors.addAll(read.errors());
        OfflineReview reviewer = new OfflineReview(parsed.policy(), injectorNamespace, sources);
        PolicyEvaluator namespaces = new PolicyEvaluator(injectorNamespace);
        List<RegistryPattern> publicPatterns = publicRegistries.stream().map(RegistryPattern::parse).toList();
        Map<String, Map<String, String>> labels = new LinkedHashMap<>(read.namespaceLabels());
        labels.putAll(givenLabels);
        TreeSet<String> unlabelled = new TreeSet<>();
        List<Reviewed> reviewed = new ArrayList<>();
        for (Manifests.Target t : read.targets()) {
            PodFacts pod = PodFacts.fromJson(t.pod());
            NamespaceFacts facts = new NamespaceFacts(t.namespace(), labels.get(t.namespace()));
            if (!facts.labelsKnown() && NamespaceScope.needsLabels(parsed.policy())) {
                unlabelled.add(t.namespace());
            }
            OfflineReview.Result result = reviewer.review(facts, pod);
            boolean namespaceSkip = result.decision().isSkipped() && Assessment.skippedForNamespace(namespaces, parsed.policy(), facts, pod);
            reviewed.add(new Reviewed(t, result, Assessment.of(t.namespace(), pod, result, sources, namespaceSkip, publicPatterns)));
        }
        int code = ExitCodes.of(!errors.isEmpty(), failOnMissing, failOnSkip, reviewed.stream().map(Reviewed::assessment).toList());
        report(out, err, List.of(), reviewed, read.skipped(), errors, code);
        for (String ns : unlabelled) {
            err.printf("namespace %s: its labels were not given, so no credential with a namespaceSelector was applied there; pass "
                    + "--namespace-labels %s=KEY=VALUE,... or add its Namespace object to the manifests%n", ns, ns);
        }
        err.flush();
        return code;
    }

    /** One target, the webhook's answer for it, and what a pipeline gates on. */
    record Reviewed(Manifests.Target target, OfflineReview.Result result, Assessment assessment) {
    }

    private Integer listImages(PrintWriter out, PrintWriter err) {
        Manifests read = new Manifests(namespace);
        InputStream stdin = stdinOverride != null ? stdinOverride : System.in;
        manifests.forEach(m -> read.read(m, stdin));
        return ImageList.print(read, output, out, err);
    }

    private Integer checkPolicy(PrintWriter out, PrintWriter err) {
        PolicyParseResult parsed = parsePolicy(checkPolicy);
        if (output != Format.text) {
            ObjectNode o = JSON.createObjectNode().put("policy", checkPolicy.toString()).put("valid", parsed.valid());
            if (parsed.valid()) {
                o.put("registryCredentials", parsed.policy().registryCredentials().size());
            }
            o.set("errors", JsonReport.policyErrors(parsed.errors()));
            JsonReport.print(out, output, o);
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
                        List<Manifests.Skipped> skipped, List<Manifests.InputError> errors, int code) {
        if (output == Format.text) {
            if (policyErrors.isEmpty()) {
                TextReport.print(out, reviewed, skipped);
            }
        } else {
            JsonReport.print(out, output, JsonReport.of(policy.toString(), policyErrors, reviewed, skipped, errors, code));
        }
        policyErrors.forEach(e -> err.printf("%s: %s%n", policy, e));
        if (!policyErrors.isEmpty()) {
            err.printf("%s: invalid (%d errors); nothing was reviewed%n", policy, policyErrors.size());
        }
        errors.forEach(e -> err.println(e));
        if (!errors.isEmpty()) {
            err.printf("%d invalid input(s)%n", errors.size());
        }
        if (failOnMissing) {
            reviewed.forEach(r -> r.assessment().missing().forEach(m -> err.printf("%s: %s: %s%n", r.target().source(), what(r.target()), m.message())));
        }
        if (failOnSkip) {
            reviewed.stream().filter(r -> r.assessment().skipCause() == Assessment.SkipCause.namespace)
                    .forEach(r -> err.printf("%s: %s: skipped: %s%n", r.target().source(), what(r.target()), r.result().decision().skipReason()));
        }
        List<Assessment> assessments = reviewed.stream().map(Reviewed::assessment).toList();
        if (failOnMissing && ExitCodes.missing(assessments) > 0) {
            err.printf("--fail-on-missing: %d problem(s)%s%n", ExitCodes.missing(assessments), code == ExitCodes.MISSING ? "; exit code 3" : "");
        }
        if (failOnSkip && ExitCodes.namespaceSkips(assessments) > 0) {
            err.printf("--fail-on-skip: %d Pod(s) skipped because the policy excludes their namespace%s%n",
                    ExitCodes.namespaceSkips(assessments), code == ExitCodes.SKIPPED ? "; exit code 4" : "");
        }
        out.flush();
        err.flush();
    }

    private static String what(Manifests.Target t) {
        return t.kind() + " " + t.namespace() + "/" + t.name() + (t.podPath().equals("(document)") || t.podPath().equals("request.object") ? "" : " " + t.podPath());
    }

    /** The operations as the RFC 6902 document the webhook sends (base64-decoded), written by the webhook's own writer. */
    static JsonNode patchJson(List<PatchOperation> ops) {
        try {
            return JSON.readTree(PatchDocument.bytes(ops));
        } catch (IOException e) {
            throw new UncheckedIOException("the patch writer wrote invalid JSON", e);
        }
    }
}
