package io.pullsecretinjector.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flipkart.zjsonpatch.JsonPatch;
import io.pullsecretinjector.patch.PatchDocument;
import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.PolicyParser;
import io.pullsecretinjector.policy.SourceRegistries;
import io.pullsecretinjector.secrets.copy.CopyOutcome;
import io.pullsecretinjector.secrets.copy.CopyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one assembly of an answer from a decision and what became of its copies, which the webhook
 * and {@code review} share: what the Pod looks like after the patch, what kubectl prints, and how
 * the review is counted.
 */
class ReviewAnswerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final InjectionPolicy POLICY = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            registryCredentials:
              - existingSecret: regcred
                existingSecretNamespace: registry-creds
                targetSecretName: private
                registries: ["registry.example.com"]
            imageRewrites:
              - from: "*.gcr.io"
                to: mirror.example.com/gcr/{registry}
            """).policy();
    static final SourceRegistries NO_LOOKUPS = c -> SourceRegistries.Lookup.unavailable("not used");

    /** What became of the one copy: null when it did not finish. */
    record Case(String namespace, String image, boolean dryRun, CopyOutcome copy, boolean late) {
    }

    static Stream<Arguments> cases() {
        CopyOutcome inPlace = CopyOutcome.of(CopyResult.UNCHANGED);
        return Stream.of(
                row("a copy in place is referenced", new Case("team-a", "registry.example.com/app:1", false, inPlace, false),
                        List.of("private"), "registry.example.com/app:1", List.of(), ReviewOutcome.PATCHED, 0),
                row("a dry run references the copy without ensuring it, and counts it as skipped",
                        new Case("team-a", "registry.example.com/app:1", true, null, false),
                        List.of("private"), "registry.example.com/app:1", List.of(), ReviewOutcome.PATCHED, 1),
                row("a copy that failed is left out, with what to do", new Case("team-a", "registry.example.com/app:1", false,
                        CopyOutcome.failed("the injector may not create secret team-a/private (403 Forbidden); grant create"), false),
                        List.of(), "registry.example.com/app:1",
                        List.of("pullsecret-injector: credential private not injected: the injector may not create secret team-a/private "
                                + "(403 Forbidden); grant create"), ReviewOutcome.UNCHANGED, 0),
                row("someone else's Secret of that name is referenced as is, with a warning", new Case("team-a", "registry.example.com/app:1",
                        false, new CopyOutcome(CopyResult.FOREIGN, "secret team-a/private already exists and was not made by pullsecret-injector"), false),
                        List.of("private"), "registry.example.com/app:1",
                        List.of("pullsecret-injector: secret team-a/private already exists and was not made by pullsecret-injector"),
                        ReviewOutcome.PATCHED, 0),
                row("a copy unfinished at the budget is left out and the review counts as timed out",
                        new Case("team-a", "registry.example.com/app:1", false, null, true),
                        List.of(), "registry.example.com/app:1",
                        List.of("pullsecret-injector: credential private not injected: copying it into namespace team-a did not finish "
                                + "within the injector's budget; it will be there for the next Pod"), ReviewOutcome.TIMEOUT, 0),
                row("a rewritten image is moved to the mirror even when no credential applies",
                        new Case("team-a", "eu.gcr.io/acme/exporter:2", false, null, false),
                        List.of(), "mirror.example.com/gcr/eu.gcr.io/acme/exporter:2", List.of(), ReviewOutcome.PATCHED, 0),
                row("a Pod in the injector's own namespace is left as it is", new Case("pullsecret-injector", "registry.example.com/app:1",
                        false, null, false), List.of(), "registry.example.com/app:1", List.of(), ReviewOutcome.SKIPPED, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void assemblesTheAnswer(String behaviour, Case c, List<String> pullSecrets, String imageAfter, List<String> warnings,
                            ReviewOutcome outcome, int dryRunCopies) throws Exception {
        JsonNode podJson = JSON.readTree("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "app-", "namespace": "%s"},
                 "spec": {"containers": [{"name": "app", "image": "%s"}]}}""".formatted(c.namespace(), c.image()));
        PodFacts pod = PodFacts.fromJson(podJson);
        Decision decision = new PolicyEvaluator("pullsecret-injector").evaluate(POLICY, c.namespace(), pod, NO_LOOKUPS);
        Map<Decision.Match, CopyOutcome> copies = c.copy() == null ? Map.of()
                : Map.of(ReviewAnswer.copiesNeeded(decision, c.dryRun()).get(0), c.copy());

        ReviewAnswer answer = ReviewAnswer.of(pod, c.namespace(), decision, c.dryRun(), copies, c.late());

        JsonNode patched = JsonPatch.apply(JSON.readTree(PatchDocument.bytes(answer.patch())), podJson);
        List<String> names = new ArrayList<>();
        patched.path("spec").path("imagePullSecrets").forEach(r -> names.add(r.path("name").asText()));
        assertThat(names).as("imagePullSecrets after the patch").isEqualTo(pullSecrets);
        assertThat(patched.at("/spec/containers/0/image").asText()).isEqualTo(imageAfter);
        assertThat(answer.warnings()).isEqualTo(warnings);
        assertThat(answer.outcome()).isEqualTo(outcome);
        assertThat(answer.dryRunCopies()).isEqualTo(dryRunCopies);
        assertThat(answer.detail()).isNotBlank();
    }

    static Arguments row(String name, Case c, List<String> pullSecrets, String imageAfter, List<String> warnings, ReviewOutcome outcome,
                         int dryRunCopies) {
        return Arguments.of(name, c, pullSecrets, imageAfter, warnings, outcome, dryRunCopies);
    }
}
