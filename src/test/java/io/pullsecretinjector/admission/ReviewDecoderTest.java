package io.pullsecretinjector.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pullsecretinjector.policy.PodFacts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming decoder reads what a Jackson tree of the same review holds: checked against every
 * recorded fixture with a tree walk written here, and on the odd shapes the API server never sends
 * but a fuzzer does.
 */
class ReviewDecoderTest {

    static Stream<Path> fixtures() throws IOException {
        return Files.list(Path.of("src/test/resources/admission")).filter(p -> p.toString().endsWith(".json")).sorted();
    }

    @ParameterizedTest(name = "{0} decodes to what its tree holds")
    @MethodSource("fixtures")
    void everyRecordedReviewDecodesToWhatItsTreeHolds(Path fixture) throws Exception {
        byte[] body = Files.readAllBytes(fixture);
        JsonNode tree = Reviews.JSON.readTree(body);
        JsonNode request = tree.path("request");
        JsonNode object = request.path("object");

        ReviewRequest decoded = ReviewDecoder.decode(body);

        assertThat(decoded.apiVersion()).isEqualTo(tree.path("apiVersion").asText());
        assertThat(decoded.uid()).isEqualTo(request.path("uid").asText());
        assertThat(decoded.kind()).isEqualTo(request.path("kind").path("kind").asText());
        assertThat(decoded.group()).isEqualTo(request.path("kind").path("group").asText());
        assertThat(decoded.resource()).isEqualTo(request.path("resource").path("resource").asText());
        assertThat(decoded.operation()).isEqualTo(request.path("operation").asText());
        assertThat(decoded.namespace()).isEqualTo(request.path("namespace").asText());
        assertThat(decoded.dryRun()).isEqualTo(request.path("dryRun").asBoolean());
        assertThat(decoded.username()).isEqualTo(request.path("userInfo").path("username").asText());
        PodFacts pod = decoded.object();
        assertThat(pod.kind()).isEqualTo(object.path("kind").asText());
        assertThat(pod.name()).isEqualTo(object.path("metadata").path("name").asText());
        assertThat(pod.generateName()).isEqualTo(object.path("metadata").path("generateName").asText());
        assertThat(pod.namespace()).isEqualTo(object.path("metadata").path("namespace").asText());
        assertThat(pod.annotations()).isEqualTo(annotations(object));
        assertThat(pod.images()).isEqualTo(images(object));
        assertThat(pod.imagePullSecrets()).isEqualTo(pullSecrets(object));
    }

    static Stream<Arguments> oddShapes() {
        return Stream.of(
                arguments("fields in any order: the object before the envelope's kind",
                        edit(r -> {
                            JsonNode kind = r.remove("kind");
                            JsonNode request = r.remove("request");
                            r.set("request", request);
                            r.set("kind", kind);
                        }),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object().images()).hasSize(1)),
                arguments("a field given twice counts as its last value, as in a tree",
                        raw("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                                + "\"namespace\":\"first\",\"namespace\":\"second\",\"object\":{\"spec\":{\"containers\":[{\"image\":\"a\"}]},"
                                + "\"spec\":{\"containers\":[{\"image\":\"b\"}]}}}}"),
                        (Consumer<ReviewRequest>) d -> {
                            assertThat(d.namespace()).isEqualTo("second");
                            assertThat(d.object().images()).extracting(PodFacts.ContainerImage::image).containsExactly("b");
                        }),
                arguments("containers that are not a list read as none",
                        edit(r -> ((ObjectNode) r.at("/request/object/spec")).putObject("containers").put("image", "x")),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object().images()).isEmpty()),
                arguments("an image that is not a string is no image, and keeps the next container's index",
                        raw("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                                + "\"object\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":{\"x\":[1]}},{\"name\":\"b\",\"image\":\"b:1\"}]}}}}"),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object().images())
                                .containsExactly(new PodFacts.ContainerImage("containers", 1, "b", "b:1"))),
                arguments("init containers come first, whatever the order in the spec",
                        raw("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                                + "\"object\":{\"spec\":{\"containers\":[{\"image\":\"app\"}],\"initContainers\":[{\"image\":\"init\"}]}}}}"),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object().images()).extracting(PodFacts.ContainerImage::image)
                                .containsExactly("init", "app")),
                arguments("image volumes come after every container, with their index among all volumes",
                        raw("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                                + "\"object\":{\"spec\":{\"volumes\":[{\"name\":\"tmp\",\"emptyDir\":{}},"
                                + "{\"name\":\"models\",\"image\":{\"pullPolicy\":\"IfNotPresent\",\"reference\":\"registry.example.com/ml/w:1\"}}],"
                                + "\"containers\":[{\"name\":\"app\",\"image\":\"app:1\"}]}}}}"),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object().images()).containsExactly(
                                new PodFacts.ContainerImage("containers", 0, "app", "app:1"),
                                new PodFacts.ContainerImage("volumes", 1, "models", "registry.example.com/ml/w:1"))),
                arguments("an image volume without a string reference is no image",
                        raw("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                                + "\"object\":{\"spec\":{\"volumes\":[{\"name\":\"a\",\"image\":{\"reference\":7}},"
                                + "{\"name\":\"b\",\"image\":\"not-an-object\"},{\"name\":\"c\",\"image\":{\"reference\":\"\"}},\"x\"]}}}}"),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object().images()).isEmpty()),
                arguments("an annotation that is not a string reads as its text",
                        edit(r -> ((ObjectNode) r.at("/request/object/metadata")).putObject("annotations").put("n", 1).putNull("z")),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object().annotations()).containsEntry("n", "1").containsEntry("z", "")),
                arguments("dryRun as a string \"true\" reads as true, as the tree reads it",
                        edit(r -> ((ObjectNode) r.get("request")).put("dryRun", "true")),
                        (Consumer<ReviewRequest>) d -> assertThat(d.dryRun()).isTrue()),
                arguments("an object that is not a JSON object reads as no Pod",
                        edit(r -> ((ObjectNode) r.get("request")).put("object", "a string")),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object()).isNull()),
                arguments("an object without a kind says so (null), and one with another kind keeps it",
                        edit(r -> ((ObjectNode) r.at("/request/object")).remove("kind")),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object().kind()).isNull()),
                arguments("a pull-secret entry that is not an object reads as a nameless entry",
                        edit(r -> ((ObjectNode) r.at("/request/object/spec")).putArray("imagePullSecrets").add("x").addObject().put("name", "n")),
                        (Consumer<ReviewRequest>) d -> assertThat(d.object().imagePullSecrets()).containsExactly("", "n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddShapes")
    void oddShapesReadAsTheTreeWouldReadThem(String sentence, byte[] body, Consumer<ReviewRequest> check) throws Exception {
        check.accept(ReviewDecoder.decode(body));
    }

    @Test
    void jsonBrokenAfterTheFieldsTheInjectorReadsIsStillRefused() {
        byte[] body = ("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\"},"
                + "\"unread\":{\"deep\":[1,2,}}").getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ReviewDecoder.decode(body)).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void aBrokenArrayIsReportedAsBrokenJsonNotAsTheWrongShape() {
        assertThatThrownBy(() -> ReviewDecoder.decode("[1, 2".getBytes(StandardCharsets.UTF_8))).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void aWrongKindStillEchoesTheUidItCouldRead() {
        byte[] body = "{\"kind\":\"Pod\",\"request\":{\"uid\":\"abc\"}}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ReviewDecoder.decode(body)).isInstanceOfSatisfying(BadReviewException.class,
                e -> assertThat(e.uid()).isEqualTo("abc"));
    }

    static byte[] edit(Consumer<ObjectNode> change) {
        ObjectNode review = Reviews.fixture("pod-create-private-registry-generatename");
        change.accept(review);
        return Reviews.bytes(review);
    }

    static byte[] raw(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> annotations(JsonNode object) {
        Map<String, String> out = new HashMap<>();
        object.path("metadata").path("annotations").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    static List<PodFacts.ContainerImage> images(JsonNode object) {
        List<PodFacts.ContainerImage> out = new ArrayList<>();
        for (String field : PodFacts.CONTAINER_FIELDS) {
            JsonNode list = object.path("spec").path(field);
            for (int i = 0; i < list.size(); i++) {
                JsonNode c = list.get(i);
                if (c.path("image").isTextual() && !c.path("image").asText().isEmpty()) {
                    out.add(new PodFacts.ContainerImage(field, i, c.path("name").asText(), c.path("image").asText()));
                }
            }
        }
        JsonNode volumes = object.path("spec").path("volumes");
        for (int i = 0; i < volumes.size(); i++) {
            JsonNode reference = volumes.get(i).path("image").path("reference");
            if (reference.isTextual() && !reference.asText().isEmpty()) {
                out.add(new PodFacts.ContainerImage("volumes", i, volumes.get(i).path("name").asText(), reference.asText()));
            }
        }
        return out;
    }

    static List<String> pullSecrets(JsonNode object) {
        List<String> out = new ArrayList<>();
        object.path("spec").path("imagePullSecrets").forEach(ref -> out.add(ref.path("name").asText()));
        return out;
    }
}
