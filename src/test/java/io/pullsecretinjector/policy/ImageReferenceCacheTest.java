package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The cache must never answer differently from a fresh parse, whatever it holds. */
class ImageReferenceCacheTest {

    static Stream<String> images() {
        return Stream.of("nginx", "nginx:1.27", "docker.io/library/nginx@sha256:" + "a".repeat(64), "Registry.Example.com:5000/team/app:v1",
                "localhost/app", "  spaced:1 ", "x".repeat(600) + ":tag");
    }

    @ParameterizedTest(name = "{0} is read the same whether cached or not")
    @MethodSource("images")
    void aCachedReferenceIsTheSameAsAFreshParse(String image) {
        ImageReferenceCache cache = new ImageReferenceCache(4);
        ImageReference fresh = ImageReference.parse(image);

        assertThat(cache.reference(image)).isEqualTo(fresh);
        assertThat(cache.parsed(image).normalised()).as("second lookup").isEqualTo(fresh.normalised());
    }

    @ParameterizedTest(name = "a cache of {0} still answers every one of 100 images correctly, twice")
    @MethodSource("capacities")
    void aFullCacheEmptiesAndKeepsAnsweringCorrectly(int capacity) {
        ImageReferenceCache cache = new ImageReferenceCache(capacity);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 100; i++) {
                String image = "registry.example.com/app-" + i + ":" + round;
                assertThat(cache.parsed(image).normalised()).isEqualTo(ImageReference.parse(image).normalised());
            }
        }
    }

    static Stream<Integer> capacities() {
        return Stream.of(1, 7, 100, 4096);
    }
}
