package io.pullsecretinjector.patch;

import io.pullsecretinjector.policy.Decision;
import io.pullsecretinjector.policy.PodFacts;
import java.util.ArrayList;
import java.util.List;

/** The whole patch for one Pod: its image rewrites, then the pull-secret names it must reference. */
public final class PodPatch {

    private PodPatch() {
    }

    /** The operations, empty when nothing changes. */
    public static List<PatchOperation> operations(PodFacts pod, List<Decision.Rewrite> rewrites, List<String> pullSecretNames) {
        List<PatchOperation> ops = new ArrayList<>(ImageRewritePatch.operations(pod, rewrites));
        ops.addAll(ImagePullSecretsPatch.operations(pod.imagePullSecrets(), pullSecretNames));
        return ops;
    }
}
