package io.pullsecretinjector.rescue;

import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.NamespaceFacts;
import io.pullsecretinjector.policy.PodFacts;
import io.pullsecretinjector.policy.PolicyEvaluator;
import io.pullsecretinjector.policy.RegistryCredential;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a Pod admitted without a credential it needs, and stuck pulling because of it,
 * is evicted so that its controller recreates it through admission. Which credentials a Pod needs
 * is the admission decision itself ({@link PolicyEvaluator}, with {@code NamespaceScope} inside),
 * asked for the images the Pod waits on. A Pod is evicted only when a new one would be better off:
 * it has a controller, the webhook would see its replacement, the source Secret of each missing
 * credential is there, and no earlier Pod of the same controller came back without it. Pure.
 */
public final class RescueRule {

    /** The chart's webhook never calls the injector for Pods in this namespace (its namespaceSelector). */
    public static final String KUBE_SYSTEM = "kube-system";
    /** The label the chart's webhook skips a namespace or Pod by, when it is {@code "false"} (namespaceSelector, objectSelector). */
    public static final String OPT_OUT_LABEL = PodFacts.INJECT_ANNOTATION;
    /**
     * How long an eviction is remembered per controller: a Pod of that controller created after it
     * and stuck without the credential again is held rather than evicted in a loop.
     */
    public static final Duration OWNER_MEMORY = Duration.ofHours(1);

    private final PolicyEvaluator evaluator;
    private final Duration grace;

    /**
     * @param evaluator the admission decision, built for the injector's namespace
     * @param grace     how long a Pod must have waited on an image pull before it is evicted
     */
    public RescueRule(PolicyEvaluator evaluator, Duration grace) {
        this.evaluator = evaluator;
        this.grace = grace;
    }

    /** The verdict for one Pod. */
    public RescueVerdict judge(PodState pod, Circumstances c) {
        if (pod.deleting()) {
            return RescueVerdict.leave("the Pod is being deleted");
        }
        if (!pod.stuckPulling()) {
            return RescueVerdict.leave("no container of the Pod waits on an image pull (ImagePullBackOff or ErrImagePull)");
        }
        if (!"Pending".equals(pod.phase()) && !"Running".equals(pod.phase())) {
            return RescueVerdict.leave("the Pod is in phase " + (pod.phase().isEmpty() ? "(none)" : pod.phase()));
        }
        if (pod.nodeName().isEmpty()) {
            return RescueVerdict.leave("the Pod is not scheduled to a node, so no kubelet pulls for it");
        }
        if (pod.owner() == null) {
            return RescueVerdict.leave("the Pod has no controller (no ownerReference with controller: true), so nothing would recreate it");
        }
        String unseen = whyWebhookSkips(pod, c.namespace());
        if (unseen != null) {
            return RescueVerdict.leave(unseen);
        }
        Decision decision = evaluator.evaluate(c.policy(), c.namespace(), pod.pullingFacts(), c.registries());
        if (decision.isSkipped()) {
            return RescueVerdict.leave(decision.skipReason());
        }
        List<RegistryCredential> missing = new ArrayList<>();
        Set<String> images = new LinkedHashSet<>();
        for (Decision.Match m : decision.applied()) {
            if (!pod.facts().imagePullSecrets().contains(m.credential().targetSecretName())) {
                missing.add(m.credential());
                images.add(m.image());
            }
        }
        if (missing.isEmpty()) {
            return RescueVerdict.leave(decision.applied().isEmpty()
                    ? "the policy gives no credential for the images the Pod waits on " + waitingImages(pod)
                    : "the Pod references every pull secret the policy gives for the images it waits on");
        }
        Duration waited = Duration.between(c.stuckSince(), c.now());
        String lacks = "the Pod lacks pull secret " + names(missing) + " (" + paths(missing) + ") for image " + String.join(", ", images)
                + " and has waited on it (" + pod.pulling().get(0).reason() + ") for " + format(waited);
        if (waited.compareTo(grace) < 0) {
            return new RescueVerdict(RescueVerdict.Action.WAIT, lacks + ", within the grace period of " + format(grace), missing,
                    c.stuckSince().plus(grace));
        }
        if (c.ownerLastEvicted() != null && (pod.created() == null || pod.created().isAfter(c.ownerLastEvicted()))) {
            return new RescueVerdict(RescueVerdict.Action.HOLD, lacks + "; a Pod of " + pod.owner() + " was evicted at " + c.ownerLastEvicted()
                    + " for the same reason, and this one, created after it, came back without the credential, so evicting again"
                    + " would loop. Check that the webhook reaches the injector and that its namespaceSelector, objectSelector and"
                    + " matchConditions cover namespace " + pod.namespace() + "; " + pod.owner() + " is not evicted again within "
                    + format(OWNER_MEMORY) + " of its last eviction", missing, null);
        }
        for (RegistryCredential m : missing) {
            String problem = c.sources().problem(m);
            if (problem != null) {
                return new RescueVerdict(RescueVerdict.Action.HOLD, lacks + ", but a new Pod would be admitted without "
                        + m.targetSecretName() + " too: " + problem, missing, null);
            }
        }
        return new RescueVerdict(RescueVerdict.Action.EVICT, lacks + "; evicted so that " + pod.owner()
                + " recreates it and admission gives the new Pod the credential", missing, null);
    }

    /** Why the chart's webhook would not be called for a replacement of the Pod, or null when it would. */
    private static String whyWebhookSkips(PodState pod, NamespaceFacts namespace) {
        String never = ", so its replacement would not get a credential either";
        if (KUBE_SYSTEM.equals(pod.namespace())) {
            return "the webhook is never called for Pods in namespace " + KUBE_SYSTEM + never;
        }
        if ("false".equals(pod.labels().get(OPT_OUT_LABEL))) {
            return "the Pod is labelled " + OPT_OUT_LABEL + "=false, which the webhook skips" + never;
        }
        if (!namespace.labelsKnown()) {
            return "the labels of namespace " + namespace.name() + " are not known yet, so its " + OPT_OUT_LABEL
                    + " label cannot be checked";
        }
        if ("false".equals(namespace.labels().get(OPT_OUT_LABEL))) {
            return "namespace " + namespace.name() + " is labelled " + OPT_OUT_LABEL + "=false, which the webhook skips" + never;
        }
        return null;
    }

    private static String waitingImages(PodState pod) {
        return pod.pulling().stream().map(PodState.Pulling::image).distinct().toList().toString();
    }

    private static String names(List<RegistryCredential> credentials) {
        return String.join(", ", credentials.stream().map(RegistryCredential::targetSecretName).toList());
    }

    private static String paths(List<RegistryCredential> credentials) {
        return String.join(", ", credentials.stream().map(RegistryCredential::path).toList());
    }

    /** 2h5m, 3m20s, 45s, 0s: as Kubernetes prints durations. */
    public static String format(Duration d) {
        long s = Math.max(0, d.toSeconds());
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s >= 60 && s % 3600 / 60 != 0) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 != 0 || s == 0) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }
}
