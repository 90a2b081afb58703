package io.pullsecretinjector.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.flipkart.zjsonpatch.JsonPatch;
import io.pullsecretinjector.patch.PatchOperation;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The AdmissionReview bytes the API server reads, as written by the one factory. */
class AdmissionResponsesTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    static final List<PatchOperation> ADD_TWO = List.of(PatchOperation.add("/spec/imagePullSecrets",
            NODES.arrayNode().add(NODES.objectNode().put("name", "regcred")).add(NODES.objectNode().put("name", "dockerhub"))));

    static Stream<Arguments> answers() {
        return Stream.of(
                arguments("an allowed answer has the uid first and nothing else", AdmissionResponses.allowed("u-1"),
                        "{\"uid\":\"u-1\",\"allowed\":true}"),
                arguments("warnings are a JSON array of strings, quotes and all", AdmissionResponses.allowed("u-2", List.of("a \"quoted\" word", "two")),
                        "{\"uid\":\"u-2\",\"allowed\":true,\"warnings\":[\"a \\\"quoted\\\" word\",\"two\"]}"),
                arguments("a patch with no operations is an allowed answer without patchType", AdmissionResponses.patched("u-3", List.of(), List.of()),
                        "{\"uid\":\"u-3\",\"allowed\":true}"),
                arguments("a denial carries its code and message under status", AdmissionResponses.errored("u-4", 500, "broken; see the log"),
                        "{\"uid\":\"u-4\",\"allowed\":false,\"status\":{\"code\":500,\"message\":\"broken; see the log\"}}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void theResponseIsWrittenExactlyAsTheApiServerExpectsIt(String sentence, AdmissionResponse response, String expected) throws Exception {
        JsonNode review = JSON.readTree(AdmissionResponses.review("admission.k8s.io/v1", response));

        assertThat(review.path("response")).isEqualTo(JSON.readTree(expected));
        assertThat(review.path("response").fieldNames().next()).isEqualTo("uid");
    }

    @ParameterizedTest(name = "a {0} request is answered in {0}")
    @MethodSource("apiVersions")
    void theAnswerIsInTheApiVersionOfTheRequest(String apiVersion) throws Exception {
        JsonNode review = JSON.readTree(AdmissionResponses.review(apiVersion, AdmissionResponses.allowed("u")));

        assertThat(review.path("apiVersion").asText()).isEqualTo(apiVersion);
        assertThat(review.path("kind").asText()).isEqualTo("AdmissionReview");
    }

    static Stream<String> apiVersions() {
        return ReviewDecoder.API_VERSIONS.stream().sorted();
    }

    @Test
    void thePatchIsStandardBase64OfAJsonPatchThatAppliesToThePod() throws Exception {
        JsonNode response = JSON.readTree(AdmissionResponses.review("admission.k8s.io/v1",
                AdmissionResponses.patched("u-5", ADD_TWO, List.of()))).path("response");

        assertThat(response.path("patchType").asText()).isEqualTo("JSONPatch");
        String encoded = response.path("patch").asText();
        assertThat(encoded).as("one line, the API server's []byte encoding").doesNotContain("\n", "\r");
        byte[] patch = Base64.getDecoder().decode(encoded);
        JsonNode pod = JSON.readTree("{\"spec\":{\"containers\":[]}}");
        JsonNode patched = JsonPatch.apply(JSON.readTree(patch), pod);
        List<String> names = new ArrayList<>();
        patched.path("spec").path("imagePullSecrets").forEach(s -> names.add(s.path("name").asText()));
        assertThat(names).containsExactly("regcred", "dockerhub");
    }

    @Test
    void aUidOrWarningWithCharactersOutsideAsciiIsWrittenAsUtf8() throws Exception {
        byte[] bytes = AdmissionResponses.review("admission.k8s.io/v1", AdmissionResponses.allowed("ü-6", List.of("naïve – ok")));

        JsonNode response = JSON.readTree(new String(bytes, StandardCharsets.UTF_8)).path("response");
        assertThat(response.path("uid").asText()).isEqualTo("ü-6");
        assertThat(response.path("warnings").get(0).asText()).isEqualTo("naïve – ok");
    }

    @Test
    void aPatchValueOfEveryJsonKindIsWrittenAsTheTreeItIs() throws Exception {
        JsonNode value = JSON.readTree("{\"name\":\"a \\\"quoted\\\" ü\",\"n\":-12,\"big\":123456789012345678901234567890,"
                + "\"x\":1.5e-3,\"on\":true,\"off\":false,\"none\":null,\"list\":[[],{},\"s\",0],\"empty\":{}}");
        JsonNode response = JSON.readTree(AdmissionResponses.review("admission.k8s.io/v1",
                AdmissionResponses.patched("u-7", List.of(PatchOperation.add("/metadata/x", value)), List.of()))).path("response");

        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.path("patch").asText()));
        assertThat(patch.get(0).path("value")).isEqualTo(value);
        assertThat(patch.get(0).path("value").path("big").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
    }
}
