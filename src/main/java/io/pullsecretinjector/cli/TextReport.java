package io.pullsecretinjector.cli;

import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.PodFacts;
import java.io.PrintWriter;
import java.util.List;

/** The human-readable output of {@code review}. */
final class TextReport {

    private TextReport() {
    }

    static void print(PrintWriter out, List<ReviewCommand.Reviewed> reviewed, List<Manifests.Skipped> skipped) {
        int patched = 0;
        for (ReviewCommand.Reviewed r : reviewed) {
            Manifests.Target t = r.target();
            OfflineReview.Result res = r.result();
            String where = where(t);
            out.printf("%s %s/%s%s  [%s]%n", t.kind(), t.namespace(), t.name(), where, t.source());
            Decision d = res.decision();
            if (d.isSkipped()) {
                line(out, "skipped", "the whole Pod: " + d.skipReason());
            } else {
                for (Decision.Rewrite rw : d.rewrites()) {
                    line(out, "rewrite", label(rw.container()) + ": " + rw.container().image() + " -> " + rw.image()
                            + " (" + rw.rule().path() + ", from " + rw.rule().from().text() + ")");
                }
                for (Decision.Match m : d.applied()) {
                    if (res.sourceMissing().stream().anyMatch(x -> x.credential() == m.credential())) {
                        continue;
                    }
                    line(out, "applies", m.credential().targetSecretName() + ": image " + m.image() + " comes from " + m.registry().text()
                            + " (" + m.credential().path() + ", source " + m.credential().source() + ")");
                }
                for (Decision.Miss m : d.notApplied()) {
                    line(out, "skipped", m.credential().targetSecretName() + ": " + m.reason());
                }
                for (Decision.Miss m : res.sourceMissing()) {
                    line(out, "skipped", m.credential().targetSecretName() + ": " + m.reason());
                }
                if (d.applied().isEmpty() && d.notApplied().isEmpty()) {
                    line(out, "skipped", "the policy has no registry credentials");
                }
            }
            for (Assessment.ImageCoverage i : r.assessment().images()) {
                if (i.coverage() == Assessment.Coverage.uncovered) {
                    line(out, "uncovered", i.pulled() + " (" + label(i.container()) + "): no credential of the policy covers registry " + i.registry());
                } else if (i.coverage() == Assessment.Coverage.podSecrets) {
                    line(out, "pod secret", i.pulled() + " (" + label(i.container()) + "): no credential of the policy covers registry " + i.registry()
                            + "; left to the Pod's own imagePullSecrets " + String.join(", ", i.coveredBy()) + ", which review cannot see into");
                }
            }
            line(out, "patch", res.patch().isEmpty() ? "none" : ReviewCommand.patchJson(res.patch()).toString());
            line(out, "result", "imagePullSecrets: " + (res.imagePullSecrets().isEmpty() ? "(none)" : String.join(", ", res.imagePullSecrets()))
                    + (res.added().isEmpty() ? "" : "  (added " + String.join(", ", res.added()) + ")"));
            for (String w : res.warnings()) {
                line(out, "warning", w);
            }
            out.println();
            if (!res.patch().isEmpty()) {
                patched++;
            }
        }
        for (Manifests.Skipped s : skipped) {
            out.printf("%s  [%s]%n", s.what(), s.source());
            line(out, "not reviewed", s.reason());
            out.println();
        }
        long uncovered = reviewed.stream().flatMap(r -> r.assessment().images().stream()).filter(i -> i.coverage() == Assessment.Coverage.uncovered).count();
        out.printf("%d Pod(s) reviewed: %d patched, %d unchanged%s%s%n", reviewed.size(), patched, reviewed.size() - patched,
                skipped.isEmpty() ? "" : "; " + skipped.size() + " document(s) not reviewed",
                uncovered == 0 ? "" : "; " + uncovered + " image(s) no credential covers");
    }

    /** Where the Pod is in its manifest, for the heading: nothing for a Pod, else the template's path and why it is there. */
    private static String where(Manifests.Target t) {
        if (t.podPath().equals("(document)") || t.podPath().equals("request.object")) {
            return "";
        }
        if (t.foundByShape()) {
            return ", Pod template " + t.podPath() + " (found at this usual path of a Pod template: every Pod a " + t.kind() + " creates from it)";
        }
        if ("PodTemplate".equals(t.kind())) {
            return ", Pod template " + t.podPath() + " (every Pod made from it)";
        }
        return ", Pod template " + t.podPath() + " (every Pod it creates)";
    }

    /** A container by its name, as the lines always did; an image volume by what it is and where. */
    private static String label(PodFacts.ContainerImage c) {
        return c.isVolume() ? Assessment.where(c) : c.container();
    }

    private static void line(PrintWriter out, String label, String text) {
        out.printf("  %-12s %s%n", label, text);
    }
}
