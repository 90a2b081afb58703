package io.pullsecretinjector.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * src/main/docker/Dockerfile.jvm, read as text (no container engine here): the image runs on the
 * JDK its AOT cache was made with, reads the cache its training run wrote, and its build context
 * holds every file the build copies.
 */
class ContainerImageTest {

    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");

    @Test
    void the_training_stage_and_the_runtime_are_the_same_java_25_release() throws IOException {
        List<String> bases = matches("(?m)^FROM (\\S+)");
        assertThat(bases).hasSize(2);
        assertThat(bases.get(0)).matches("registry\\.access\\.redhat\\.com/ubi10/openjdk-25:[\\w.-]+");
        assertThat(bases.get(1)).matches("registry\\.access\\.redhat\\.com/ubi10/openjdk-25-runtime:[\\w.-]+");
        // a cache only holds for the JDK build that wrote it; the client stage's JDK only compiles the client
        assertThat(tag(bases.get(0))).isEqualTo(tag(bases.get(1)));
    }

    @Test
    void the_runtime_reads_the_cache_that_the_training_run_writes_with_the_same_memory_settings() throws IOException {
        String text = Files.readString(DOCKERFILE);
        List<String> written = matches("-XX:AOTCacheOutput=(\\S+?)\"");
        List<String> read = matches("-XX:AOTCache=(\\S+?)\"");
        assertThat(written).containsExactly("/deployments/app.aot");
        assertThat(read).containsExactly("/deployments/app.aot");
        assertThat(text).contains("aot-train.sh /deployments/app.aot -- /opt/jboss/container/java/run/run-java.sh");
        // the training JVM and the serving JVM get the same options apart from the cache flag
        List<String> options = matches("JAVA_OPTS_APPEND=\"([^\"]*)\"");
        assertThat(options).hasSize(2);
        assertThat(options.get(0).replace("-XX:AOTCacheOutput=", "-XX:AOTCache=")).isEqualTo(options.get(1));
        assertThat(options.get(1)).contains("${JAVA_OPTS_MEMORY}");
        // the training run is the last step that writes /deployments, so the cache matches the jars next to it
        assertThat(text.lastIndexOf("COPY --chown=185 target/quarkus-app")).isLessThan(text.indexOf("RUN TRAINING_DIR"));
    }

    @Test
    void every_file_the_build_copies_from_the_context_exists_and_is_not_docker_ignored() throws IOException {
        List<String> allowed = Files.readAllLines(Path.of(".dockerignore")).stream().filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
        List<String> sources = new ArrayList<>();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                String[] words = line.replace("--chown=185 ", "").split("\\s+");
                sources.addAll(List.of(words).subList(1, words.length - 1));
            }
        }
        assertThat(sources).contains("src/main/docker/AotTraining.java", "src/main/docker/aot-train.sh", "examples/policy.yaml", "examples/reviews/");
        for (String source : sources) {
            if (source.startsWith("target/")) {
                continue; // the application, built before the image
            }
            Path path = Path.of(source);
            assertThat(path).as(source).exists();
            Path probe = Files.isDirectory(path) ? path.resolve("x.json") : path;
            assertThat(allowed.stream().anyMatch(a -> FileSystems.getDefault().getPathMatcher("glob:" + a).matches(probe)))
                    .as("%s is let into the build context by .dockerignore", source).isTrue();
        }
    }

    private static List<String> matches(String regex) throws IOException {
        Matcher m = Pattern.compile(regex).matcher(Files.readString(DOCKERFILE));
        List<String> out = new ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String tag(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }
}
