package io.pullsecretinjector.admission;

import io.pullsecretinjector.patch.PatchOperation;
import java.util.List;

/**
 * One answer to an admission request, as data. Built only by {@link AdmissionResponses}, which
 * also writes it as the AdmissionReview the API server reads.
 *
 * @param uid      the request's uid
 * @param allowed  whether the object is admitted
 * @param warnings what kubectl prints to the user; empty for none
 * @param patch    the JSON Patch operations; empty for none ({@code patchType} is then left out)
 * @param status   why the object is denied, or null when it is admitted
 */
public record AdmissionResponse(String uid, boolean allowed, List<String> warnings, List<PatchOperation> patch, Status status) {

    public AdmissionResponse {
        warnings = List.copyOf(warnings);
        patch = List.copyOf(patch);
    }

    /**
     * The {@code status} of a denial.
     *
     * @param code    an HTTP-like code
     * @param message the reason, shown to the user
     */
    public record Status(int code, String message) {
    }
}
