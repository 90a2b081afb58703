package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RegistryPatternTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("a Docker Hub short name matches docker.io", "docker.io", "nginx", true),
                arguments("a Docker Hub short name matches the index URL of a docker login", "https://index.docker.io/v1/", "nginx:1.27", true),
                arguments("registry-1.docker.io images match docker.io", "docker.io", "registry-1.docker.io/library/nginx", true),
                arguments("docker.io matches an image written with index.docker.io", "index.docker.io", "docker.io/bitnami/redis", true),
                arguments("a Docker Hub pattern does not match quay.io", "docker.io", "quay.io/prometheus/prometheus", false),
                arguments("a host matches its images", "registry.example.com", "registry.example.com/team/app:1", true),
                arguments("a host does not match another host", "registry.example.com", "registry.example.org/app", false),
                arguments("a host without a port does not match an image with a port", "registry.example.com", "registry.example.com:5000/app", false),
                arguments("a host with a port matches images with that port", "registry.example.com:5000", "registry.example.com:5000/app", true),
                arguments("a host with a port does not match another port", "registry.example.com:5000", "registry.example.com:5001/app", false),
                arguments("a URL with a scheme and trailing slash matches its host", "https://registry.example.com/", "registry.example.com/app", true),
                arguments("a host glob matches a sub-domain", "*.corp.example", "eu.corp.example/app", true),
                arguments("a host glob does not match the bare domain", "*.corp.example", "corp.example/app", false),
                arguments("a dot in a pattern is a dot, not any character", "registry.example.com", "registryXexample.com/app", false),
                arguments("a question mark matches exactly one character", "registry-?.example.com", "registry-1.example.com/app", true),
                arguments("a question mark does not match two characters", "registry-?.example.com", "registry-12.example.com/app", false),
                arguments("a path prefix matches images under it", "docker.io/myorg", "myorg/app:1", true),
                arguments("a path prefix does not match a longer sibling name", "docker.io/myorg", "myorg2/app:1", false),
                arguments("a path prefix does not match official images", "docker.io/myorg", "nginx", false),
                arguments("docker.io/library matches official images", "docker.io/library", "nginx", true),
                arguments("an auths key with a path matches only that path", "https://registry.example.com/team-a", "registry.example.com/team-a/web:1", true),
                arguments("an auths key with a path does not match other paths", "https://registry.example.com/team-a", "registry.example.com/team-b/web:1", false),
                arguments("a star matches every image", "*", "anything.example/x", true),
                arguments("a star matches Docker Hub short names", "*", "nginx", true),
                arguments("patterns are case-insensitive on the host", "Registry.Example.COM", "registry.example.com/app", true),
                arguments("localhost matches localhost images", "localhost", "localhost/app", true),
                arguments("ECR host pattern with a glob", "*.dkr.ecr.*.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void registryPatternsMatchImagesByRegistryAndPath(String sentence, String pattern, String image, boolean expected) {
        assertThat(RegistryPattern.parse(pattern).matches(ImageReference.parse(image))).isEqualTo(expected);
    }
}
