package io.pullsecretinjector.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 10. Least privilege, asked of the real authoriser with SubjectAccessReviews for the chart's
 * ServiceAccount: everything the injector does is allowed, and reading Secrets beyond its own is not.
 */
@ExtendWith(Suite.class)
@DisplayName("10. least privilege")
@Order(5)
class LeastPrivilegeE2eTest {

    private static final String USER = "system:serviceaccount:" + Suite.NAMESPACE + ":" + Suite.SERVICE_ACCOUNT;
    private static final String TEAM = "team-anything";
    /** The injector's log lines start with local time to the millisecond. */
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3}) ");
    private static final DateTimeFormatter LOG_TIME_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    static Stream<Arguments> allowed() {
        return Stream.of(
                arguments("create the copy in any namespace", "create", "", "secrets", TEAM, null),
                arguments("read, refresh and prune its copy in any namespace", "get", "", "secrets", TEAM, "regcred"),
                arguments("update its copy", "update", "", "secrets", TEAM, "regcred"),
                arguments("delete its copy (prune)", "delete", "", "secrets", TEAM, "regcred"),
                arguments("read a source Secret", "get", "", "secrets", Suite.SOURCES, "regcred"),
                arguments("list a source Secret by name (field selector)", "list", "", "secrets", Suite.SOURCES, "regcred"),
                arguments("watch a source Secret by name (field selector)", "watch", "", "secrets", Suite.SOURCES, "regcred"),
                arguments("watch namespaces", "watch", "", "namespaces", "", null),
                arguments("list namespaces", "list", "", "namespaces", "", null),
                arguments("read one namespace's labels", "get", "", "namespaces", "", TEAM),
                arguments("record an Event about a copy", "create", "events.k8s.io", "events", TEAM, null),
                arguments("add a repeat to an Event's series", "patch", "events.k8s.io", "events", TEAM, "regcred.18d3f0c2a1b4e5f6"),
                arguments("record an Event about a source", "create", "events.k8s.io", "events", Suite.SOURCES, null),
                arguments("watch the policy ConfigMap", "watch", "", "configmaps", Suite.NAMESPACE, Suite.RELEASE + "-policy"),
                arguments("create the leader Lease", "create", "coordination.k8s.io", "leases", Suite.NAMESPACE, null),
                arguments("renew the leader Lease", "update", "coordination.k8s.io", "leases", Suite.NAMESPACE, Suite.LEASE),
                arguments("acquire and renew the leader Lease with PATCH", "patch", "coordination.k8s.io", "leases", Suite.NAMESPACE, Suite.LEASE),
                arguments("write the image inventory", "update", "", "configmaps", Suite.NAMESPACE, Suite.RELEASE + "-images-0"));
    }

    static Stream<Arguments> denied() {
        return Stream.of(
                arguments("list Secrets cluster-wide", "list", "", "secrets", "", null),
                arguments("watch Secrets cluster-wide", "watch", "", "secrets", "", null),
                arguments("get any Secret cluster-wide", "get", "", "secrets", "", null),
                arguments("list Secrets in a team namespace", "list", "", "secrets", TEAM, null),
                arguments("read a Secret it does not own in a team namespace", "get", "", "secrets", TEAM, "db-password"),
                arguments("overwrite a Secret it does not own", "update", "", "secrets", TEAM, "db-password"),
                arguments("delete a Secret it does not own", "delete", "", "secrets", TEAM, "db-password"),
                arguments("list every Secret of the source namespace", "list", "", "secrets", Suite.SOURCES, null),
                arguments("read another Secret of the source namespace", "get", "", "secrets", Suite.SOURCES, "not-a-source"),
                arguments("read another ConfigMap of its own namespace", "get", "", "configmaps", Suite.NAMESPACE, "kube-root-ca.crt"),
                arguments("change the webhook registration", "update", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", "",
                        Suite.RELEASE),
                arguments("relabel a namespace", "update", "", "namespaces", "", TEAM),
                arguments("read Events", "list", "events.k8s.io", "events", TEAM, null),
                arguments("read one Event (a repeat is patched without it)", "get", "events.k8s.io", "events", TEAM, "regcred.18d3f0c2a1b4e5f6"),
                arguments("delete Events", "delete", "events.k8s.io", "events", TEAM, "regcred.18d3f0c2a1b4e5f6"),
                arguments("record core v1 Events", "create", "", "events", TEAM, null),
                arguments("change its own RBAC", "update", "rbac.authorization.k8s.io", "clusterroles", "", Suite.RELEASE));
    }

    @ParameterizedTest(name = "may {0}")
    @MethodSource("allowed")
    void everyCallTheInjectorMakesIsAllowed(String what, String verb, String group, String resource, String namespace, String name) {
        assertThat(review(verb, group, resource, namespace, name).getStatus().getAllowed()).as(what).isTrue();
    }

    @ParameterizedTest(name = "may not {0}")
    @MethodSource("denied")
    void anythingBeyondItIsDenied(String what, String verb, String group, String resource, String namespace, String name) {
        assertThat(review(verb, group, resource, namespace, name).getStatus().getAllowed()).as(what).isFalse();
    }

    @Test
    @DisplayName("the injector, running as that ServiceAccount through every scenario before this one, was refused nothing"
            + " (but for the moment a helm upgrade applies the policy before its RBAC)")
    void theInjectorWasNeverForbidden() throws IOException {
        List<String> refusals = new ArrayList<>();
        try (Stream<Path> logs = Files.list(Cluster.WORK.resolve("logs"))) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("injector-")).toList()) {
                Instant written = Instant.EPOCH; // continuation lines (stack traces) belong to the last line with a time
                for (String line : Files.readAllLines(log)) {
                    Matcher time = LOG_TIME.matcher(line);
                    if (time.find()) {
                        written = LocalDateTime.parse(time.group(1), LOG_TIME_FORMAT).atZone(ZoneId.systemDefault()).toInstant();
                    }
                    // "403 Forbidden", "is forbidden", reason=Forbidden; an Event write logs its code
                    if ((line.contains("orbidden") || line.contains("code=403")) && !Suite.duringAnUpgrade(written)) {
                        refusals.add(log.getFileName() + ": " + line.substring(0, Math.min(400, line.length())));
                    }
                }
            }
        }
        assertThat(refusals.stream().limit(3)).as("log lines of the injector that name a refusal (the first 3 of %d)", refusals.size())
                .isEmpty();
    }

    private static SubjectAccessReview review(String verb, String group, String resource, String namespace, String name) {
        ResourceAttributes attributes = new ResourceAttributes();
        attributes.setVerb(verb);
        attributes.setGroup(group);
        attributes.setResource(resource);
        attributes.setNamespace(namespace);
        attributes.setName(name);
        return Cluster.admin().authorization().v1().subjectAccessReview().create(new SubjectAccessReviewBuilder()
                .withNewSpec().withUser(USER)
                .withGroups("system:serviceaccounts", "system:serviceaccounts:" + Suite.NAMESPACE, "system:authenticated")
                .withResourceAttributes(attributes).endSpec().build());
    }
}
