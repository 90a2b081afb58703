package io.pullsecretinjector.cli;

import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.ImageReference;
import io.pullsecretinjector.policy.InjectionPolicy;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.RegistryCredential;
import io.pullsecretinjector.policy.RegistryPattern;
import io.pullsecretinjector.policy.SourceRegistries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pipeline gates on, read from the webhook's answer for one Pod: the outcome of every
 * credential, which credential covers each image the Pod will pull, and the problems
 * {@code --fail-on-missing} counts. It adds no decision of its own: the credentials, their
 * registries and the rewrites are the evaluator's.
 *
 * @param skipCause   why the whole Pod is left alone, or null when it was evaluated
 * @param credentials every credential of the policy, in policy order (none when the Pod is skipped)
 * @param images      every image of the Pod (containers, then image volumes), in spec order
 * @param missing     the problems {@code --fail-on-missing} fails on (none when the Pod is skipped)
 */
record Assessment(SkipCause skipCause, List<CredentialOutcome> credentials, List<ImageCoverage> images, List<Missing> missing) {

    /** Why a whole Pod is skipped. */
    enum SkipCause {
        /** its namespace is excluded, not included, or the injector's own: what {@code --fail-on-skip} fails on */
        namespace,
        /** it is a mirror Pod (annotation {@code kubernetes.io/config.mirror}), which may reference no Secret */
        mirrorPod,
        /** it has the annotation {@code pullsecret-injector.io/inject: "false"}: a choice, never a failure */
        optOut
    }

    /** What a credential does for a Pod. */
    enum Outcome {
        /** the patch references its copy */
        applies,
        /** it has nothing to do with the Pod (no image from its registries, or its exclusions) */
        doesNotApply,
        /** its source Secret is not among {@code --secrets}, so the webhook would leave it out and warn */
        sourceMissing,
        /** review cannot tell: its registries come from a source Secret it was not given or cannot read */
        unknown
    }

    /** How an image will be pulled. */
    enum Coverage {
        /** with a credential the patch adds or the Pod already references */
        covered,
        /** without one, from a registry given with {@code --public-registry} */
        publicRegistry,
        /**
         * by none of the policy, but the Pod names pull secrets of its own that the policy does not
         * manage: review cannot see which registries those cover, so it does not count the image as missing
         */
        podSecrets,
        /** without any credential, from a registry the policy does not cover */
        uncovered,
        /** the whole Pod is skipped, so no credential is looked for */
        notEvaluated
    }

    /**
     * One credential's outcome.
     *
     * @param credential the credential
     * @param outcome    what it does
     * @param reason     why, as a sentence
     * @param image      for {@link Outcome#applies} and an applying {@link Outcome#sourceMissing}: the first image from its registries, else null
     * @param registry   with {@code image}: the registry pattern that matched it, else null
     */
    record CredentialOutcome(RegistryCredential credential, Outcome outcome, String reason, String image, String registry) {
    }

    /**
     * One image.
     *
     * @param container the container or image volume, its list and its image as written
     * @param pulled    the image the Pod will pull: the mirror's when a rewrite rule moved it
     * @param registry  the registry {@code pulled} comes from, normalised
     * @param coveredBy the names of the copies (targetSecretName) that cover it; for {@link Coverage#podSecrets}, the Pod's own pull secrets
     * @param coverage  how it will be pulled
     */
    record ImageCoverage(PodFacts.ContainerImage container, String pulled, String registry, List<String> coveredBy, Coverage coverage) {
    }

    /**
     * A problem {@code --fail-on-missing} fails on.
     *
     * @param problem   {@code uncoveredImage} or {@code sourceMissing}
     * @param image     the image concerned (as pulled), or null
     * @param credential the credential concerned (targetSecretName), or null
     * @param message   what is wrong and what to do, as a sentence
     */
    record Missing(String problem, String image, String credential, String message) {
    }

    /**
     * Assesses one reviewed Pod.
     *
     * @param namespaceSkip    true when the Pod is skipped because of its namespace ({@link #skippedForNamespace})
     * @param publicRegistries registries whose images need no credential
     */
    static Assessment of(String namespace, PodFacts pod, OfflineReview.Result result, SourceSecretFiles sources, boolean namespaceSkip,
                         List<RegistryPattern> publicRegistries) {
        Decision d = result.decision();
        if (d.isSkipped()) {
            List<ImageCoverage> images = new ArrayList<>();
            for (PodFacts.ContainerImage c : pod.images()) {
                images.add(new ImageCoverage(c, c.image(), ImageReference.parse(c.image()).registry(), List.of(), Coverage.notEvaluated));
            }
            // the evaluator's order: namespace, then mirror Pod, then the opt-out annotation
            SkipCause cause = namespaceSkip ? SkipCause.namespace : pod.mirror() ? SkipCause.mirrorPod : SkipCause.optOut;
            return new Assessment(cause, List.of(), images, List.of());
        }
        List<CredentialOutcome> credentials = new ArrayList<>();
        List<Missing> missing = new ArrayList<>();
        Map<RegistryCredential, List<RegistryPattern>> covering = new HashMap<>();
        List<RegistryPattern> absentSources = new ArrayList<>();
        for (Decision.Match m : d.applied()) {
            Decision.Miss absent = result.sourceMissing().stream().filter(x -> x.credential() == m.credential()).findFirst().orElse(null);
            if (absent == null) {
                covering.put(m.credential(), m.credential().registriesFromSecret() ? sources.registriesOf(m.credential()).registries()
                        : m.credential().registries());
                credentials.add(new CredentialOutcome(m.credential(), Outcome.applies, "image " + m.image() + " comes from " + m.registry().text(),
                        m.image(), m.registry().text()));
            } else {
                absentSources.addAll(m.credential().registries());
                credentials.add(new CredentialOutcome(m.credential(), Outcome.sourceMissing, absent.reason(), m.image(), m.registry().text()));
                missing.add(new Missing("sourceMissing", m.image(), m.credential().targetSecretName(), "credential " + m.credential().targetSecretName()
                        + " applies (image " + m.image() + " comes from " + m.registry().text() + ") but " + absent.reason()));
            }
        }
        for (Decision.Miss m : d.notApplied()) {
            Outcome outcome = !m.warn() ? Outcome.doesNotApply : sources.missing(m.credential()) != null ? Outcome.sourceMissing : Outcome.unknown;
            credentials.add(new CredentialOutcome(m.credential(), outcome, m.reason(), null, null));
        }
        credentials.sort((a, b) -> Integer.compare(a.credential().index(), b.credential().index()));

        List<String> managed = credentials.stream().map(o -> o.credential().targetSecretName()).toList();
        List<String> ownSecrets = pod.imagePullSecrets().stream().filter(n -> !n.isEmpty() && !managed.contains(n)).toList();
        Map<PodFacts.ContainerImage, String> moved = new HashMap<>();
        d.rewrites().forEach(r -> moved.put(r.container(), r.image()));
        List<String> unknown = credentials.stream().filter(o -> o.outcome() == Outcome.unknown).map(o -> o.credential().targetSecretName()).toList();
        String unknownHint = unknown.isEmpty() ? "" : " (or it may be covered by " + String.join(", ", unknown)
                + ", whose registries come from a source Secret review was not given or cannot read: pass --secrets)";
        List<ImageCoverage> images = new ArrayList<>();
        for (PodFacts.ContainerImage c : pod.images()) {
            String pulled = moved.getOrDefault(c, c.image());
            ImageReference ref = ImageReference.parse(pulled);
            List<String> by = new ArrayList<>();
            for (CredentialOutcome o : credentials) {
                List<RegistryPattern> registries = covering.getOrDefault(o.credential(), List.of());
                if (registries.stream().anyMatch(p -> p.matches(ref)) && !by.contains(o.credential().targetSecretName())) {
                    by.add(o.credential().targetSecretName());
                }
            }
            Coverage coverage = !by.isEmpty() ? Coverage.covered
                    : publicRegistries.stream().anyMatch(p -> p.matches(ref)) ? Coverage.publicRegistry
                    : !ownSecrets.isEmpty() ? Coverage.podSecrets : Coverage.uncovered;
            images.add(new ImageCoverage(c, pulled, ref.registry(), coverage == Coverage.podSecrets ? ownSecrets : List.copyOf(by), coverage));
            // an image whose credential lacks its source is already counted, with the right advice, as sourceMissing
            if (coverage == Coverage.uncovered && absentSources.stream().noneMatch(p -> p.matches(ref))) {
                missing.add(new Missing("uncoveredImage", pulled, null, "image " + pulled + " (" + where(c) + ") comes from "
                        + ref.registry() + ", which no credential of the policy covers in namespace " + namespace
                        + "; add a registryCredentials entry for it, or pass --public-registry " + ref.registry() + " if it needs none" + unknownHint));
            }
        }
        return new Assessment(null, List.copyOf(credentials), List.copyOf(images), List.copyOf(missing));
    }

    /** Where an image is, for messages: {@code container app}, or {@code image volume models at spec.volumes[1].image.reference}. */
    static String where(PodFacts.ContainerImage c) {
        return c.isVolume() ? c.describe() + " at " + c.path() : c.describe();
    }

    /**
     * True when a skipped Pod is skipped because of its namespace: the evaluator is asked again
     * about a Pod without annotations, which only its namespace can make it skip. Asking it, not
     * reading its sentence, keeps the question of which namespaces are served in one place.
     */
    static boolean skippedForNamespace(PolicyEvaluator evaluator, InjectionPolicy policy, NamespaceFacts namespace, PodFacts pod) {
        PodFacts bare = new PodFacts(pod.name(), pod.generateName(), Map.of(), List.of(), List.of(), pod.kind(), pod.namespace());
        return evaluator.evaluate(policy, namespace, bare, c -> SourceRegistries.Lookup.unavailable("not needed")).isSkipped();
    }
}
