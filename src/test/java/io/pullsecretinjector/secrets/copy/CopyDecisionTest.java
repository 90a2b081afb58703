package io.pullsecretinjector.secrets.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.pullsecretinjector.secrets.copy.CopyDecision.Action;
import io.pullsecretinjector.secrets.copy.CopyDecision.Wanted;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What to do about one copy, given what is wanted and what is there: the one decision admission
 * (a Pod wants the copy now) and the sync loop (the policy's eager, prune and scope) share.
 */
public class CopyDecisionTest {

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

    static Wanted serves(SourceSecret source, boolean eager, boolean prune) {
        return new Wanted(REF, source, true, eager, prune, false);
    }

    static Wanted notServed(boolean prune) {
        return new Wanted(REF, SOURCE, false, false, prune, false);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row("a current copy is left alone", serves(SOURCE, false, false), ourCopy(SOURCE), Action.KEEP),
                row("a stale copy of ours is updated", serves(SOURCE, false, false), ourCopy(OLD_SOURCE), Action.UPDATE),
                row("a missing copy is created when the credential is eager", serves(SOURCE, true, false), null, Action.CREATE),
                row("a missing copy waits for a Pod when the credential is not eager", serves(SOURCE, false, false), null, Action.NONE),
                row("a copy deleted by hand is restored when the loop had seen it", new Wanted(REF, SOURCE, true, false, false, true), null, Action.CREATE),
                row("a copy deleted by hand is not restored where the namespace is no longer served", new Wanted(REF, SOURCE, false, false, false, true), null, Action.NONE),
                row("nothing is created when the source does not exist", serves(null, true, false), null, Action.NONE),
                row("a copy is kept as it is when the source is deleted", serves(null, false, true), ourCopy(OLD_SOURCE), Action.KEEP),
                row("a user's Secret of the same name is never updated", serves(SOURCE, true, true), usersSecret(), Action.FOREIGN),
                row("a copy made from another source is never updated", serves(SOURCE, false, false), copyOfAnotherSource(), Action.FOREIGN),
                row("our copy in a namespace no longer served is deleted when prune is on", notServed(true), ourCopy(SOURCE), Action.DELETE),
                row("our copy in a namespace no longer served is kept when prune is off", notServed(false), ourCopy(SOURCE), Action.KEEP),
                row("prune never deletes a user's Secret of the same name", notServed(true), usersSecret(), Action.FOREIGN),
                row("prune never deletes a copy made from another source", notServed(true), copyOfAnotherSource(), Action.FOREIGN),
                row("prune has nothing to do where there is no copy", notServed(true), null, Action.NONE),
                row("a copy already being deleted is left to finish", notServed(true), beingDeleted(ourCopy(SOURCE)), Action.WAIT),
                row("a stale copy already being deleted is not updated", serves(SOURCE, false, false), beingDeleted(ourCopy(OLD_SOURCE)), Action.WAIT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String behaviour, Wanted want, Secret actual, Action expected) {
        CopyDecision decision = CopyDecision.decide(want, "team-a", "regcred", actual);

        assertThat(decision.action()).as(decision.reason()).isEqualTo(expected);
        assertThat(decision.reason()).isNotBlank().doesNotContain("new-token", "old-token", "users-own");
    }

    /** A Pod being admitted wants the copy now; with its source gone, only the copy that is there. */
    static Stream<Arguments> forAPod() {
        return Stream.of(
                row("a Pod: no Secret of that name, create the copy", Wanted.forPod(REF, SOURCE), null, Action.CREATE),
                row("a Pod: our copy with the source's content, keep it", Wanted.forPod(REF, SOURCE), ourCopy(SOURCE), Action.KEEP),
                row("a Pod: our copy with older content, update it", Wanted.forPod(REF, SOURCE), ourCopy(OLD_SOURCE), Action.UPDATE),
                row("a Pod: our copy while the source is gone, keep it so Pods keep pulling", Wanted.forPod(REF, null), ourCopy(OLD_SOURCE),
                        Action.KEEP),
                row("a Pod: no copy while the source is gone, nothing to make", Wanted.forPod(REF, null), null, Action.NONE),
                row("a Pod: a user's Secret of that name, refuse, never write it", Wanted.forPod(REF, SOURCE), usersSecret(), Action.FOREIGN),
                row("a Pod: a copy made from another source, refuse, never write it", Wanted.forPod(REF, SOURCE), copyOfAnotherSource(),
                        Action.FOREIGN),
                row("a Pod: a user's Secret being deleted is still not ours", Wanted.forPod(REF, SOURCE), beingDeleted(usersSecret()),
                        Action.FOREIGN),
                row("a Pod: our stale copy being deleted, wait for it to go", Wanted.forPod(REF, SOURCE), beingDeleted(ourCopy(OLD_SOURCE)),
                        Action.WAIT),
                row("a Pod: our current copy being deleted, wait for it to go", Wanted.forPod(REF, SOURCE), beingDeleted(ourCopy(SOURCE)),
                        Action.WAIT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forAPod")
    void decidesForAPod(String behaviour, Wanted want, Secret actual, Action expected) {
        assertThat(CopyDecision.decide(want, "team-a", "regcred", actual).action()).isEqualTo(expected);
    }

    static Stream<Arguments> sourceItself() {
        return Stream.of(
                row("the source itself is never touched, even with prune on and the namespace not served",
                        new Wanted(REF, SOURCE, false, false, true, false), ManagedCopy.desired(SOURCE, "registry-creds", "regcred"), Action.FOREIGN),
                row("the source itself is never recreated by an eager credential", new Wanted(REF, SOURCE, true, true, false, false), null, Action.NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sourceItself")
    void neverTouchesTheSource(String behaviour, Wanted want, Secret actual, Action expected) {
        assertThat(CopyDecision.decide(want, "registry-creds", "regcred", actual).action()).isEqualTo(expected);
    }

    static Arguments row(String name, Wanted want, Secret actual, Action expected) {
        return Arguments.of(name, want, actual, expected);
    }
}
