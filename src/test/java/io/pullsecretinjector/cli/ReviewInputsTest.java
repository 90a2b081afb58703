package io.pullsecretinjector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where {@code review} reads from: standard input ({@code -}), files, and directories walked recursively. */
class ReviewInputsTest {

    static final String POLICY = "src/test/resources/policy/test-policy.yaml";
    static final String SECRETS = "src/test/resources/review/secrets.yaml";

    @TempDir
    Path tmp;

    static String pod(String name, String image) {
        return "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: team-a}\nspec: {containers: [{name: c, image: " + image + "}]}\n";
    }

    @Test
    void renderedManifestsArePipedInAndEachDocumentIsNamedByItsPlaceInStandardInput() throws Exception {
        String rendered = "# Source: chart/templates/pod.yaml\n" + pod("a", "registry.example.com/a:1") + "---\n# empty\n---\n" + pod("b", "nginx:1.27");

        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(rendered, "review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json", "-");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode reviews = ReviewCommandTest.JSON.readTree(r.out()).path("reviews");
        assertThat(reviews).extracting(n -> n.path("source").asText()).containsExactly("(stdin)#1", "(stdin)#3");
        assertThat(reviews).extracting(n -> n.path("file").asText()).containsOnly("(stdin)");
        assertThat(reviews).extracting(n -> n.path("document").asInt()).containsExactly(1, 3);
        assertThat(reviews).extracting(n -> n.path("imagePullSecrets").toString()).containsExactly("[\"private-regcred\"]", "[\"dockerhub\"]");
    }

    @Test
    void standardInputAndFilesMixInTheOrderGiven() throws Exception {
        Path file = Files.writeString(tmp.resolve("b.yaml"), pod("from-file", "nginx:1.27"));

        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(pod("from-stdin", "nginx:1.27"),
                "review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json", file.toString(), "-");

        JsonNode reviews = ReviewCommandTest.JSON.readTree(r.out()).path("reviews");
        assertThat(reviews).extracting(n -> n.path("name").asText()).containsExactly("from-file", "from-stdin");
    }

    @Test
    void aDirectoryIsWalkedRecursivelyInNameOrderAndOnlyItsManifestsAreRead() throws Exception {
        Files.createDirectories(tmp.resolve("base/nested/deeper"));
        Files.writeString(tmp.resolve("base/z.yaml"), pod("z", "nginx:1.27"));
        Files.writeString(tmp.resolve("base/a.yml"), pod("a", "nginx:1.27"));
        Files.writeString(tmp.resolve("base/nested/deeper/m.json"),
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"m\",\"namespace\":\"team-a\"},"
                        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"nginx:1.27\"}]}}");
        Files.writeString(tmp.resolve("base/README.md"), "# not a manifest: {{ .Values.x }}\n");
        Files.writeString(tmp.resolve("base/nested/values.txt"), "replicas: 3\n");

        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json", tmp.resolve("base").toString());

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode reviews = ReviewCommandTest.JSON.readTree(r.out()).path("reviews");
        assertThat(reviews).extracting(n -> n.path("name").asText()).containsExactly("a", "m", "z");
        assertThat(reviews.get(1).path("file").asText()).isEqualTo(tmp.resolve("base/nested/deeper/m.json").toString());
    }

    @Test
    void aBrokenFileInADirectoryIsAnErrorAndTheOthersAreStillReviewed() throws IOException {
        Files.writeString(tmp.resolve("good.yaml"), pod("good", "nginx:1.27"));
        Files.writeString(tmp.resolve("template.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n");

        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--policy", POLICY, "--secrets", SECRETS, tmp.toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(tmp.resolve("template.yaml") + "#1: (document): is not valid YAML or JSON");
        assertThat(r.out()).contains("Pod team-a/good", "1 Pod(s) reviewed");
    }

    @Test
    void aDirectoryWithNoManifestIsAnErrorThatSaysWhereToPoint() throws IOException {
        Files.createDirectories(tmp.resolve("empty/sub"));
        Files.writeString(tmp.resolve("empty/sub/notes.txt"), "nothing here");

        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--policy", POLICY, tmp.resolve("empty").toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains(tmp.resolve("empty") + ": (file): is a directory with no *.yaml, *.yml or *.json file in it or below");
    }

    @Test
    void aMissingPathSaysWhatMANIFESTTakes() {
        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--policy", POLICY, tmp.resolve("nope").toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("nope: (file): does not exist (MANIFEST takes a manifest file, a directory of them, or - for standard input)");
    }

    @Test
    void secretsAreNotReadFromStandardInput() {
        ReviewCommandTest.Run r = ReviewCommandTest.runWithStdin(pod("p", "nginx:1.27"), "review", "--policy", POLICY, "--secrets", "-", "-");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("-: (file): standard input is for MANIFEST only; give --secrets a Secret manifest or a directory of them");
    }

    @Test
    void imagesAreListedFromADirectoryToo() throws IOException {
        Files.createDirectories(tmp.resolve("k8s/jobs"));
        Files.writeString(tmp.resolve("k8s/web.yaml"), pod("web", "nginx:1.27"));
        Files.writeString(tmp.resolve("k8s/jobs/rc.yaml"), "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\n"
                + "spec:\n  selector: {app: r}\n  template:\n    spec:\n      containers: [{name: c, image: gcr.io/google_containers/redis:e2e}]\n");

        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--images", tmp.resolve("k8s").toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().lines()).containsExactly("docker.io/library/nginx:1.27", "gcr.io/google_containers/redis:e2e");
    }
}
