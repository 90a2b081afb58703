package io.pullsecretinjector.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, for one Pod in one namespace, which credentials of the policy apply. Pure: the only
 * outside knowledge, the registries of credentials that take them from their Secret, comes in
 * through {@link SourceRegistries}.
 */
public final class PolicyEvaluator {

    private final String injectorNamespace;
    private final ImageReferenceCache parsed;

    /** @param injectorNamespace the injector's own namespace, always excluded so it can never block itself */
    public PolicyEvaluator(String injectorNamespace) {
        this(injectorNamespace, new ImageReferenceCache(ImageReferenceCache.DEFAULT_CAPACITY));
    }

    /** @param images where parsed image references are kept; the webhook shares its one with the image inventory */
    public PolicyEvaluator(String injectorNamespace, ImageReferenceCache images) {
        this.injectorNamespace = injectorNamespace;
        this.parsed = images;
    }

    /**
     * Evaluates the policy for a Pod in a namespace whose labels are not known: a credential with a
     * namespaceSelector does not apply (the offline review without namespace labels, and tests).
     */
    public Decision evaluate(InjectionPolicy policy, String namespace, PodFacts pod, SourceRegistries sources) {
        return evaluate(policy, NamespaceFacts.unknownLabels(namespace), pod, sources);
    }

    /** Evaluates the policy for a Pod being created in the namespace. */
    public Decision evaluate(InjectionPolicy policy, NamespaceFacts facts, PodFacts pod, SourceRegistries sources) {
        String namespace = facts.name();
        String notServed = NamespaceScope.whyNotServed(policy, facts, injectorNamespace);
        if (notServed != null) {
            if (!facts.labelsKnown() && NamespaceScope.whyNotServedByName(policy, namespace, injectorNamespace) == null) {
                // only the labels could tell: every credential is left out, each with a warning, never guessed in
                List<Decision.Miss> unknown = policy.registryCredentials().stream().map(c -> new Decision.Miss(c, notServed, true)).toList();
                return new Decision(null, List.of(), unknown, List.of());
            }
            return Decision.skipped(notServed);
        }
        if (pod.mirror()) {
            return Decision.skipped("the Pod is a mirror Pod (annotation " + PodFacts.MIRROR_ANNOTATION
                    + "): the API server refuses mirror Pods that reference Secrets, and its images are the node's static Pod's");
        }
        if (pod.optedOut()) {
            return Decision.skipped("the Pod has annotation " + PodFacts.INJECT_ANNOTATION + ": \"false\"");
        }
        List<Decision.Rewrite> rewrites = rewrites(policy, namespace, pod);
        if (!rewrites.isEmpty()) {
            Map<PodFacts.ContainerImage, String> moved = new HashMap<>();
            for (Decision.Rewrite r : rewrites) {
                moved.put(r.container(), r.image());
            }
            // credentials are chosen for the images the Pod will really pull: the mirror's
            pod = pod.withImages(moved);
        }
        // parsed once here, not once per credential
        List<ImageReference> references = new ArrayList<>(pod.images().size());
        for (PodFacts.ContainerImage c : pod.images()) {
            references.add(parsed.reference(c.image()));
        }
        List<Decision.Match> applied = new ArrayList<>();
        List<Decision.Miss> notApplied = new ArrayList<>();
        for (RegistryCredential credential : policy.registryCredentials()) {
            String excluded = NamespaceScope.whyCredentialExcludes(credential, facts);
            if (excluded != null) {
                boolean labelsUnknown = !facts.labelsKnown() && NamespaceScope.whyCredentialExcludesByName(credential, namespace) == null;
                notApplied.add(new Decision.Miss(credential, excluded, labelsUnknown));
                continue;
            }
            List<RegistryPattern> registries = credential.registries();
            if (credential.registriesFromSecret()) {
                SourceRegistries.Lookup lookup = sources.registriesOf(credential);
                if (lookup.problem() != null) {
                    notApplied.add(new Decision.Miss(credential, lookup.problem(), true));
                    continue;
                }
                registries = lookup.registries();
            }
            Decision.Match match = matchImage(credential, registries, pod, references);
            if (match != null) {
                applied.add(match);
            } else {
                notApplied.add(new Decision.Miss(credential, "no image of the Pod comes from " + describe(registries), false));
            }
        }
        return new Decision(null, applied, notApplied, rewrites);
    }

    private List<Decision.Rewrite> rewrites(InjectionPolicy policy, String namespace, PodFacts pod) {
        if (policy.imageRewrites().isEmpty() || pod.rewriteOptedOut()) {
            return List.of();
        }
        List<Decision.Rewrite> out = new ArrayList<>();
        for (PodFacts.ContainerImage c : pod.images()) {
            ImageRewriter.Result r = ImageRewriter.rewrite(policy.imageRewrites(), namespace, parsed.reference(c.image()));
            if (r != null) {
                out.add(new Decision.Rewrite(c, r.image(), r.rule()));
            }
        }
        return out;
    }

    private static Decision.Match matchImage(RegistryCredential credential, List<RegistryPattern> registries, PodFacts pod,
                                             List<ImageReference> references) {
        for (int i = 0; i < references.size(); i++) {
            for (RegistryPattern pattern : registries) {
                if (pattern.matches(references.get(i))) {
                    return new Decision.Match(credential, pod.images().get(i).image(), pattern);
                }
            }
        }
        return null;
    }

    private static String describe(List<RegistryPattern> registries) {
        if (registries.isEmpty()) {
            return "any registry (the source Secret lists none in its auths)";
        }
        return registries.stream().map(RegistryPattern::text).toList().toString();
    }
}
