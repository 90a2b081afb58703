package io.pullsecretinjector.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pullsecretinjector.policy.PolicyParseResult;
import io.pullsecretinjector.policy.PolicyParser;
import java.nio.charset.StandardCharsets;

/**
 * Any text as a policy document: the parser never throws, and either returns a policy or says what
 * is wrong with field paths. Corpus in
 * {@code src/test/resources/io/pullsecretinjector/fuzz/PolicyParserFuzzTestInputs/}.
 */
class PolicyParserFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void policyDocument(byte[] data) {
        String document = new String(data, StandardCharsets.UTF_8);
        PolicyParseResult result = new PolicyParser().parse(document);
        assertThat(result).isNotNull();
        if (result.valid()) {
            assertThat(result.policy()).isNotNull();
        } else {
            assertThat(result.errors()).isNotEmpty();
            assertThat(result.describeErrors()).isNotBlank();
        }
    }
}
