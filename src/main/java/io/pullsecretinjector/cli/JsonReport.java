package io.pullsecretinjector.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.PolicyError;
import io.pullsecretinjector.policy.RegistryCredential;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The machine-readable output of {@code review} ({@code -o json} and {@code -o yaml}: the same
 * document): a {@code ReviewReport} whose schema is docs/review.md and
 * docs/review-report.schema.json. Fields are only ever added within one {@code apiVersion}; a
 * change that would break a reader gets a new one.
 */
final class JsonReport {

    /** The version of the report's schema. */
    static final String API_VERSION = "pullsecret-injector.io/v1";
    static final String KIND = "ReviewReport";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER, YAMLGenerator.Feature.SPLIT_LINES)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES, YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .build();

    private JsonReport() {
    }

    /** Prints a document as indented JSON or as YAML. */
    static void print(PrintWriter out, ReviewCommand.Format format, JsonNode document) {
        if (format == ReviewCommand.Format.yaml) {
            try {
                out.print(YAML.writeValueAsString(document));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("a tree in memory always writes", e);
            }
        } else {
            out.println(document.toPrettyString());
        }
    }

    /**
     * The report.
     *
     * @param policy       the policy file
     * @param policyErrors the policy's errors (then nothing was reviewed)
     * @param reviewed     the reviewed Pods, in input order
     * @param skipped      the documents not reviewed
     * @param errors       the invalid inputs
     * @param exitCode     the exit code review ends with
     */
    static ObjectNode of(String policy, List<PolicyError> policyErrors, List<ReviewCommand.Reviewed> reviewed, List<Manifests.Skipped> skipped,
                         List<Manifests.InputError> errors, int exitCode) {
        ObjectNode root = JSON.createObjectNode().put("apiVersion", API_VERSION).put("kind", KIND).put("policy", policy);
        root.set("policyErrors", policyErrors(policyErrors));
        ArrayNode reviews = root.putArray("reviews");
        reviewed.forEach(r -> reviews.add(record(r)));
        ArrayNode notReviewed = root.putArray("notReviewed");
        skipped.forEach(s -> notReviewed.addObject().put("source", s.source()).put("object", s.what()).put("reason", s.reason()));
        ArrayNode errs = root.putArray("errors");
        errors.forEach(e -> errs.addObject().put("source", e.source()).put("path", e.path()).put("message", e.message()));
        List<Assessment> assessments = reviewed.stream().map(ReviewCommand.Reviewed::assessment).toList();
        long patched = reviewed.stream().filter(r -> !r.result().patch().isEmpty()).count();
        root.putObject("summary")
                .put("reviewed", reviewed.size())
                .put("patched", patched)
                .put("unchanged", reviewed.size() - patched)
                .put("skippedForNamespace", ExitCodes.namespaceSkips(assessments))
                .put("missing", ExitCodes.missing(assessments))
                .put("notReviewed", skipped.size())
                .put("errors", errors.size() + policyErrors.size())
                .put("exitCode", exitCode);
        return root;
    }

    /** The policy's errors, each with its field path. */
    static ArrayNode policyErrors(List<PolicyError> errors) {
        ArrayNode a = JSON.createArrayNode();
        errors.forEach(e -> a.addObject().put("path", e.path()).put("message", e.message()));
        return a;
    }

    private static ObjectNode record(ReviewCommand.Reviewed r) {
        Manifests.Target t = r.target();
        OfflineReview.Result res = r.result();
        Assessment a = r.assessment();
        Decision d = res.decision();
        ObjectNode o = JSON.createObjectNode().put("source", t.source()).put("file", t.file()).put("document", t.document());
        if (t.item() == null) {
            o.putNull("item");
        } else {
            o.put("item", t.item());
        }
        o.put("apiVersion", t.apiVersion()).put("kind", t.kind()).put("name", t.name()).put("namespace", t.namespace())
                .put("podPath", t.podPath()).put("foundByShape", t.foundByShape());
        o.put("skipped", d.skipReason()).put("skipCause", a.skipCause() == null ? null : a.skipCause().name());
        ArrayNode credentials = o.putArray("credentials");
        for (Assessment.CredentialOutcome c : a.credentials()) {
            credential(credentials.addObject(), c.credential()).put("outcome", c.outcome().name()).put("reason", c.reason())
                    .put("image", c.image()).put("registry", c.registry());
        }
        ArrayNode applied = o.putArray("applied");
        d.applied().stream().filter(m -> res.sourceMissing().stream().noneMatch(x -> x.credential() == m.credential()))
                .forEach(m -> credential(applied.addObject(), m.credential()).put("image", m.image()).put("registry", m.registry().text()));
        ArrayNode notApplied = o.putArray("notApplied");
        List<Decision.Miss> misses = new ArrayList<>(d.notApplied());
        misses.addAll(res.sourceMissing());
        misses.forEach(m -> credential(notApplied.addObject(), m.credential()).put("reason", m.reason()).put("warning", m.warn()));
        ArrayNode rewrites = o.putArray("rewrites");
        d.rewrites().forEach(rw -> rewrites.addObject().put("container", rw.container().container())
                .put("field", rw.container().field()).put("path", rw.container().path())
                .put("from", rw.container().image()).put("to", rw.image()).put("policyPath", rw.rule().path()));
        ArrayNode images = o.putArray("images");
        for (Assessment.ImageCoverage i : a.images()) {
            ObjectNode image = images.addObject().put("container", i.container().container()).put("field", i.container().field())
                    .put("path", i.container().path()).put("image", i.container().image()).put("pulled", i.pulled()).put("registry", i.registry());
            i.coveredBy().forEach(image.putArray("coveredBy")::add);
            image.put("coverage", i.coverage().name());
        }
        o.set("patch", ReviewCommand.patchJson(res.patch()));
        res.imagePullSecrets().forEach(o.putArray("imagePullSecrets")::add);
        res.added().forEach(o.putArray("added")::add);
        res.warnings().forEach(o.putArray("warnings")::add);
        ArrayNode missing = o.putArray("missing");
        a.missing().forEach(m -> missing.addObject().put("problem", m.problem()).put("image", m.image())
                .put("credential", m.credential()).put("message", m.message()));
        return o;
    }

    /** The fields that name a credential: {@code credential} (its copy's name), {@code source}, {@code policyPath}. */
    private static ObjectNode credential(ObjectNode o, RegistryCredential c) {
        return o.put("credential", c.targetSecretName()).put("source", c.source()).put("policyPath", c.path());
    }
}
