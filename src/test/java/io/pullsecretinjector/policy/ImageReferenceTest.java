package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageReferenceTest {

    static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    static Stream<Arguments> references() {
        return Stream.of(
                arguments("a bare name is an official Docker Hub image", "nginx", "docker.io", "library/nginx", null, null),
                arguments("a bare name with a tag keeps the tag", "nginx:1.27", "docker.io", "library/nginx", "1.27", null),
                arguments("library/ prefix is Docker Hub", "library/nginx", "docker.io", "library/nginx", null, null),
                arguments("docker.io prefix is Docker Hub", "docker.io/nginx", "docker.io", "library/nginx", null, null),
                arguments("docker.io/library prefix is Docker Hub", "docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest", null),
                arguments("index.docker.io is Docker Hub", "index.docker.io/library/nginx", "docker.io", "library/nginx", null, null),
                arguments("registry-1.docker.io is Docker Hub", "registry-1.docker.io/bitnami/redis:7", "docker.io", "bitnami/redis", "7", null),
                arguments("registry.hub.docker.com is Docker Hub", "registry.hub.docker.com/library/alpine", "docker.io", "library/alpine", null, null),
                arguments("a user repository on Docker Hub", "bitnami/postgresql:16.2.0", "docker.io", "bitnami/postgresql", "16.2.0", null),
                arguments("an upper-case Docker Hub alias is still Docker Hub", "Docker.IO/library/nginx", "docker.io", "library/nginx", null, null),
                arguments("a private registry host", "registry.example.com/team/app:1.0", "registry.example.com", "team/app", "1.0", null),
                arguments("a registry host keeps its port", "registry.example.com:5000/app:2", "registry.example.com:5000", "app", "2", null),
                arguments("a port without a tag is not a tag", "registry.example.com:5000/app", "registry.example.com:5000", "app", null, null),
                arguments("localhost is a registry", "localhost/app", "localhost", "app", null, null),
                arguments("localhost with a port is a registry", "localhost:5000/group/app:dev", "localhost:5000", "group/app", "dev", null),
                arguments("an IPv4 host with a port", "10.0.0.7:5000/app:1", "10.0.0.7:5000", "app", "1", null),
                arguments("an IPv6 host with a port", "[fd00::1]:5000/app:1", "[fd00::1]:5000", "app", "1", null),
                arguments("a digest alone", "registry.example.com/app@" + DIGEST, "registry.example.com", "app", null, DIGEST),
                arguments("a tag and a digest", "registry.example.com/app:1.0@" + DIGEST, "registry.example.com", "app", "1.0", DIGEST),
                arguments("a Docker Hub short name with a digest", "nginx@" + DIGEST, "docker.io", "library/nginx", null, DIGEST),
                arguments("a port, tag and digest", "host:443/a/b:c@" + DIGEST, "host:443", "a/b", "c", DIGEST),
                arguments("a deep repository path", "ghcr.io/org/team/sub/app:v1", "ghcr.io", "org/team/sub/app", "v1", null),
                arguments("GitHub's registry", "ghcr.io/fluxcd/source-controller:v1.3.0", "ghcr.io", "fluxcd/source-controller", "v1.3.0", null),
                arguments("Quay", "quay.io/prometheus/prometheus:v2.53.0", "quay.io", "prometheus/prometheus", "v2.53.0", null),
                arguments("Kubernetes' registry", "registry.k8s.io/pause:3.9", "registry.k8s.io", "pause", "3.9", null),
                arguments("Google Artifact Registry", "europe-west1-docker.pkg.dev/proj/repo/app:1", "europe-west1-docker.pkg.dev", "proj/repo/app", "1", null),
                arguments("Amazon ECR", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "app", "1", null),
                arguments("Azure Container Registry", "myacr.azurecr.io/team/app:1", "myacr.azurecr.io", "team/app", "1", null),
                arguments("gcr.io", "gcr.io/distroless/static:nonroot", "gcr.io", "distroless/static", "nonroot", null),
                arguments("a regional gcr.io", "eu.gcr.io/proj/app", "eu.gcr.io", "proj/app", null, null),
                arguments("a registry host is lower-cased", "Registry.Example.COM/app", "registry.example.com", "app", null, null),
                arguments("a first component with upper case is a host", "MyRegistry/app", "myregistry", "app", null, null),
                arguments("a first component without dot or port is a Docker Hub namespace", "myorg/app:1", "docker.io", "myorg/app", "1", null),
                arguments("surrounding spaces are ignored", "  nginx:1 ", "docker.io", "library/nginx", "1", null),
                arguments("a tag with dots and dashes", "registry.example.com/app:1.2.3-rc.1", "registry.example.com", "app", "1.2.3-rc.1", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("references")
    void imageReferencesAreReadLikeTheRuntimeReadsThem(String sentence, String image, String registry, String repository, String tag, String digest) {
        ImageReference ref = ImageReference.parse(image);

        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(tag);
        assertThat(ref.digest()).isEqualTo(digest);
        assertThat(ref.original()).isEqualTo(image);
    }

    static Stream<Arguments> normalised() {
        return Stream.of(
                arguments("a bare name is pulled as docker.io/library/NAME:latest", "nginx", "docker.io/library/nginx:latest"),
                arguments("a tag is kept", "registry.example.com:5000/app:2", "registry.example.com:5000/app:2"),
                arguments("a digest alone gets no :latest", "app@" + DIGEST, "docker.io/library/app@" + DIGEST),
                arguments("tag and digest are both kept", "quay.io/a/b:1@" + DIGEST, "quay.io/a/b:1@" + DIGEST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normalised")
    void theNormalisedFormIsWhatTheRuntimePulls(String sentence, String image, String expected) {
        assertThat(ImageReference.parse(image).normalised()).isEqualTo(expected);
    }
}
