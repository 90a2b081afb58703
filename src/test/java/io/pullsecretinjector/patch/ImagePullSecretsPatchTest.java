package io.pullsecretinjector.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.flipkart.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImagePullSecretsPatchTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("a Pod without the field gets the whole array", "{\"spec\":{\"containers\":[]}}", List.of("a", "b"), List.of("a", "b"), 1),
                arguments("a Pod with an empty array gets the whole array", "{\"spec\":{\"imagePullSecrets\":[]}}", List.of("a"), List.of("a"), 1),
                arguments("a Pod with other names gets one append per new name", "{\"spec\":{\"imagePullSecrets\":[{\"name\":\"x\"}]}}",
                        List.of("a", "b"), List.of("x", "a", "b"), 2),
                arguments("a name already there is not added again", "{\"spec\":{\"imagePullSecrets\":[{\"name\":\"a\"}]}}",
                        List.of("a", "b"), List.of("a", "b"), 1),
                arguments("every name already there gives no operation", "{\"spec\":{\"imagePullSecrets\":[{\"name\":\"a\"},{\"name\":\"b\"}]}}",
                        List.of("b", "a"), List.of("a", "b"), 0),
                arguments("nothing wanted gives no operation", "{\"spec\":{}}", List.of(), List.of(), 0),
                arguments("a wanted name listed twice is added once", "{\"spec\":{}}", List.of("a", "a"), List.of("a"), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void thePatchAddsOnlyMissingNames(String sentence, String pod, List<String> wanted, List<String> expected, int operations) throws Exception {
        JsonNode before = JSON.readTree(pod);
        List<String> existing = names(before);

        List<PatchOperation> ops = ImagePullSecretsPatch.operations(existing, wanted);
        JsonNode after = JsonPatch.apply(toJson(ops), before);

        assertThat(ops).hasSize(operations);
        assertThat(names(after)).containsExactlyElementsOf(expected);
        assertThat(ImagePullSecretsPatch.operations(names(after), wanted)).as("applying again changes nothing").isEmpty();
    }

    static ArrayNode toJson(List<PatchOperation> ops) {
        ArrayNode patch = JSON.createArrayNode();
        ops.forEach(op -> patch.addObject().put("op", op.op()).put("path", op.path()).set("value", op.value()));
        return patch;
    }

    static List<String> names(JsonNode pod) {
        List<String> names = new ArrayList<>();
        pod.path("spec").path("imagePullSecrets").forEach(n -> names.add(n.path("name").asText()));
        return names;
    }
}
