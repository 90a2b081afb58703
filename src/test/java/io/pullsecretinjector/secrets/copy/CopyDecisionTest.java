package io.pullsecretinjector.secrets.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pullsecretinjector.secrets.copy.CopyPlan.Action;
import io.pullsecretinjector.secrets.copy.CopyPlan.Desired;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the sync loop does about one copy, given what the policy wants and what is there. */
public class SyncCopyPlanTest {

    static final String REF = "registry-creds/regcred";
    static final SourceSecret SOURCE = source("new-token");
    static final SourceSecret OLD_SOURCE = source("old-token");

    static SourceSecret source(String token) {
        Map<String, String> data = Map.of(".dockerconfigjson", token);
        return new SourceSecret("registry-creds", "regcred", "kubernetes.io/dockerconfigjson", data,
                ContentHash.of("kubernetes.io/dockerconfigjson", data), List.of(), null);
    }

    static Secret ourCopy(SourceSecret content) {
        return ManagedCopy.desired(content, "team-a", "regcred");
    }

    static Secret usersSecret() {
        return new SecretBuilder().withNewMetadata().withNamespace("team-a").withName("regcred").endMetadata()
                .withType("kubernetes.io/dockerconfigjson").addToData(".dockerconfigjson", "users-own").build();
    }

    static Secret copyOfAnotherSource() {
        SourceSecret other = new SourceSecret("other", "creds", "kubernetes.io/dockerconfigjson", Map.of("k", "v"),
                ContentHash.of("kubernetes.io/dockerconfigjson", Map.of("k", "v")), List.of(), null);
        return ManagedCopy.desired(other, "team-a", "regcred");
    }

    public static Secret beingDeleted(Secret s) {
        return new SecretBuilder(s).editMetadata().withDeletionTimestamp("2026-01-01T00:00:00Z").endMetadata().build();
    }

    static Desired serves(SourceSecret source, boolean eager, boolean prune) {
        return new Desired(REF, source, true, eager, prune);
    }

    static Desired notServed(boolean prune) {
        return new Desired(REF, SOURCE, false, false, prune);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row("a current copy is left alone", serves(SOURCE, false, false), ourCopy(SOURCE), Action.NOOP),
                row("a stale copy of ours is updated", serves(SOURCE, false, false), ourCopy(OLD_SOURCE), Action.UPDATE),
                row("a missing copy is created when the credential is eager", serves(SOURCE, true, false), null, Action.CREATE),
                row("a missing copy waits for a Pod when the credential is not eager", serves(SOURCE, false, false), null, Action.NOOP),
                row("a copy deleted by hand is restored when the loop had seen it", new Desired(REF, SOURCE, true, false, false, true), null, Action.CREATE),
                row("a copy deleted by hand is not restored where the namespace is no longer served", new Desired(REF, SOURCE, false, false, false, true), null, Action.NOOP),
                row("nothing is created when the source does not exist", serves(null, true, false), null, Action.NOOP),
                row("a copy is kept as it is when the source is deleted", serves(null, false, true), ourCopy(OLD_SOURCE), Action.NOOP),
                row("a user's Secret of the same name is never updated", serves(SOURCE, true, true), usersSecret(), Action.NOOP),
                row("a copy made from another source is never updated", serves(SOURCE, false, false), copyOfAnotherSource(), Action.NOOP),
                row("our copy in a namespace no longer served is deleted when prune is on", notServed(true), ourCopy(SOURCE), Action.DELETE),
                row("our copy in a namespace no longer served is kept when prune is off", notServed(false), ourCopy(SOURCE), Action.NOOP),
                row("prune never deletes a user's Secret of the same name", notServed(true), usersSecret(), Action.NOOP),
                row("prune never deletes a copy made from another source", notServed(true), copyOfAnotherSource(), Action.NOOP),
                row("prune has nothing to do where there is no copy", notServed(true), null, Action.NOOP),
                row("a copy already being deleted is left to finish", notServed(true), beingDeleted(ourCopy(SOURCE)), Action.NOOP),
                row("a stale copy already being deleted is not updated", serves(SOURCE, false, false), beingDeleted(ourCopy(OLD_SOURCE)), Action.NOOP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String behaviour, Desired want, Secret actual, Action expected) {
        CopyPlan.Step step = CopyPlan.plan(want, "team-a", "regcred", actual);

        assertThat(step.action()).as(step.reason()).isEqualTo(expected);
        assertThat(step.reason()).isNotBlank().doesNotContain("new-token", "old-token", "users-own");
    }

    static Stream<Arguments> sourceItself() {
        return Stream.of(
                row("the source itself is never touched, even with prune on and the namespace not served",
                        new Desired(REF, SOURCE, false, false, true), ManagedCopy.desired(SOURCE, "registry-creds", "regcred"), Action.NOOP),
                row("the source itself is never recreated by an eager credential", new Desired(REF, SOURCE, true, true, false), null, Action.NOOP));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sourceItself")
    void neverTouchesTheSource(String behaviour, Desired want, Secret actual, Action expected) {
        assertThat(CopyPlan.plan(want, "registry-creds", "regcred", actual).action()).isEqualTo(expected);
    }

    static Arguments row(String name, Desired want, Secret actual, Action expected) {
        return Arguments.of(name, want, actual, expected);
    }
}
