package io.pullsecretinjector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Acceptance over a corpus of legacy manifests in the style of the kubernetes/examples guestbook
 * (src/test/resources/review/guestbook: v1 ReplicationControllers with selector maps, a JSON
 * controller, a List, an all-in-one file, Services, a README): the directory is reviewed as a
 * whole, every ReplicationController's template is reviewed, and nothing is refused.
 */
class ReviewLegacyCorpusTest {

    static final Path CORPUS = Path.of("src/test/resources/review/guestbook");
    static final String POLICY = "src/test/resources/policy/test-policy.yaml";
    static final String SECRETS = "src/test/resources/review/secrets.yaml";

    /** The names of the ReplicationControllers in the corpus, counted without review's reader. */
    static List<String> replicationControllers() throws IOException {
        List<String> names = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(CORPUS)) {
            files = walk.filter(p -> p.toString().matches(".*\\.(yaml|yml|json)$")).sorted().toList();
        }
        for (Path f : files) {
            try (MappingIterator<JsonNode> docs = ReviewCommandTest.YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                for (JsonNode doc : docs.readAll()) {
                    List<JsonNode> objects = new ArrayList<>();
                    doc.path("items").forEach(objects::add);
                    objects.add(doc);
                    objects.stream().filter(o -> "ReplicationController".equals(o.path("kind").asText()))
                            .forEach(o -> names.add(o.path("metadata").path("name").asText()));
                }
            }
        }
        return names;
    }

    @Test
    void everyReplicationControllerOfTheCorpusIsReviewed() throws Exception {
        List<String> expected = replicationControllers();

        ReviewCommandTest.Run r = ReviewCommandTest.run("review", "--policy", POLICY, "--secrets", SECRETS, "-o", "json", CORPUS.toString());

        assertThat(expected).as("the corpus is not empty").hasSizeGreaterThanOrEqualTo(7);
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode report = ReviewCommandTest.JSON.readTree(r.out());
        assertThat(report.path("errors")).isEmpty();
        assertThat(report.path("reviews")).extracting(n -> n.path("kind").asText()).containsOnly("ReplicationController");
        assertThat(report.path("reviews")).extracting(n -> n.path("name").asText()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(report.path("reviews")).extracting(n -> n.path("podPath").asText()).containsOnly("spec.template");
        assertThat(report.path("notReviewed")).extracting(n -> n.path("object").asText()).allMatch(o -> o.startsWith("Service/"));
    }

    @Test
    void theCorpusPassesTheGateOnceItsPublicRegistriesAreNamed() {
        ReviewCommandTest.Run strict = ReviewCommandTest.run("review", "--policy", POLICY, "--secrets", SECRETS, "--fail-on-missing", CORPUS.toString());
        ReviewCommandTest.Run named = ReviewCommandTest.run("review", "--policy", POLICY, "--secrets", SECRETS, "--fail-on-missing",
                "--public-registry", "gcr.io", "--public-registry", "mirror.example.com", CORPUS.toString());

        assertThat(strict.code()).isEqualTo(3);
        assertThat(strict.out()).contains("uncovered    gcr.io/google_containers/redis:e2e (master): no credential of the policy covers registry gcr.io")
                .contains("pod secret   gcr.io/google-samples/gb-frontend:v4 (php-redis): no credential of the policy covers registry gcr.io; "
                        + "left to the Pod's own imagePullSecrets gcr-readonly");
        assertThat(named.code()).as(named.out() + named.err()).isZero();
    }
}
