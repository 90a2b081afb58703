package io.pullsecretinjector.secrets.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a refused call tells the user to do depends on who refused it: RBAC or an admission policy. */
class ApiProblemsTest {

    static Stream<Arguments> refusals() {
        return Stream.of(
                arguments("RBAC's refusal names the verb and namespace to grant",
                        "secrets \"regcred\" is forbidden: User \"system:serviceaccount:pullsecret-injector:pullsecret-injector\" cannot"
                                + " create resource \"secrets\" in API group \"\" in the namespace \"team-a\"",
                        "grant its ServiceAccount 'create' on secrets in namespace team-a"),
                arguments("the ValidatingAdmissionPolicy's refusal says it was the admission policy, not RBAC, and what to check",
                        "secrets \"extra\" is forbidden: ValidatingAdmissionPolicy 'pullsecret-injector-secret-writes' with binding"
                                + " 'pullsecret-injector-secret-writes' denied request: the injector may only write its own copies",
                        "the cluster's admission policy refused to let the injector create secret team-a/regcred"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void aForbiddenCallSaysWhatToDoNext(String sentence, String statusMessage, String expected) {
        Status status = new StatusBuilder().withCode(403).withReason("Forbidden").withMessage(statusMessage).build();

        String described = ApiProblems.describe(new KubernetesClientException(status), "create", "secret team-a/regcred", "team-a", ApiProblems.Retry.NEXT_POD);

        assertThat(described).contains(expected);
    }
}
