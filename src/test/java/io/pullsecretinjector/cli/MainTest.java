package io.pullsecretinjector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The jar serves unless its first argument names a command; the container runs it with none. */
class MainTest {

    @ParameterizedTest(name = "\"{0}\" -> command line: {1}")
    @CsvSource(delimiter = '|', value = {
            "''|false",
            "review --policy p.yaml pod.yaml|true",
            "review --check-policy p.yaml|true",
            "demo|true",
            "help|true",
            "--help|true",
            "-h|true",
            "serve|false",
            "-Dquarkus.http.port=1|false",
            "--policy p.yaml|false"})
    void dispatch(String commandLine, boolean isCommand) {
        String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");

        assertThat(Main.isCommand(args)).isEqualTo(isCommand);
    }
}
