package io.pullsecretinjector.secrets.copy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.pullsecretinjector.secrets.copy.CopyReconciler.Verdict;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What to do about one copy: the one decision admission and the sync loop share, every case once. */
class CopyReconcilerTest {

    static final String REF = SyncCopyPlanTest.REF;
    static final SourceSecret SOURCE = SyncCopyPlanTest.SOURCE;
    static final SourceSecret OLD = SyncCopyPlanTest.OLD_SOURCE;

    static Stream<Arguments> cases() {
        return Stream.of(
                row("no Secret of that name: create the copy", SOURCE, null, Verdict.CREATE),
                row("our copy with the source's content: leave it", SOURCE, SyncCopyPlanTest.ourCopy(SOURCE), Verdict.LEAVE),
                row("our copy with older content: update it", SOURCE, SyncCopyPlanTest.ourCopy(OLD), Verdict.UPDATE),
                row("our copy while the source is gone: leave it so Pods keep pulling", null, SyncCopyPlanTest.ourCopy(OLD), Verdict.LEAVE),
                row("a user's Secret of that name: refuse, never write it", SOURCE, SyncCopyPlanTest.usersSecret(), Verdict.FOREIGN),
                row("a copy made from another source: refuse, never write it", SOURCE, SyncCopyPlanTest.copyOfAnotherSource(), Verdict.FOREIGN),
                row("a user's Secret being deleted is still not ours", SOURCE, SyncCopyPlanTest.beingDeleted(SyncCopyPlanTest.usersSecret()),
                        Verdict.FOREIGN),
                row("our stale copy being deleted: wait for it to go", SOURCE, SyncCopyPlanTest.beingDeleted(SyncCopyPlanTest.ourCopy(OLD)),
                        Verdict.WAIT),
                row("our current copy being deleted: wait for it to go", SOURCE, SyncCopyPlanTest.beingDeleted(SyncCopyPlanTest.ourCopy(SOURCE)),
                        Verdict.WAIT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judges(String behaviour, SourceSecret source, Secret existing, Verdict expected) {
        assertThat(CopyReconciler.judge(REF, source, existing)).isEqualTo(expected);
    }

    static Arguments row(String name, SourceSecret source, Secret existing, Verdict expected) {
        return Arguments.of(name, source, existing, expected);
    }
}
