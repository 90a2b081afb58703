package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageRewriterTest {

    static final String DIGEST = "sha256:" + "ab".repeat(32);
    static final List<ImageRewrite> RULES = new PolicyParser().parse("""
            apiVersion: pullsecret-injector.io/v1alpha1
            kind: InjectionPolicy
            imageRewrites:
              - from: docker.io/library
                to: mirror.corp.example/official
              - from: docker.io
                to: mirror.corp.example/dockerhub
                excludeNamespaces: ["sandbox-*"]
              - from: "*.gcr.io"
                to: mirror.corp.example/gcr/{registry}
              - from: registry.example.com:5000
                to: mirror.corp.example:8443/legacy
            """).policy().imageRewrites();

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("a Docker Hub short name goes to the official-images mirror", "nginx", "team-a", "mirror.corp.example/official/nginx"),
                arguments("the tag is kept exactly", "nginx:1.27.0-alpine", "team-a", "mirror.corp.example/official/nginx:1.27.0-alpine"),
                arguments("the digest is kept exactly", "nginx@" + DIGEST, "team-a", "mirror.corp.example/official/nginx@" + DIGEST),
                arguments("tag and digest are both kept", "docker.io/library/nginx:1@" + DIGEST, "team-a", "mirror.corp.example/official/nginx:1@" + DIGEST),
                arguments("the first matching rule wins", "index.docker.io/library/redis:7", "team-a", "mirror.corp.example/official/redis:7"),
                arguments("a user repository on Docker Hub goes to the Docker Hub mirror", "bitnami/redis:7", "team-a", "mirror.corp.example/dockerhub/bitnami/redis:7"),
                arguments("a rule's excluded namespace keeps the image", "bitnami/redis:7", "sandbox-1", null),
                arguments("a host glob matches and {registry} is the original host", "eu.gcr.io/proj/app:2", "team-a", "mirror.corp.example/gcr/eu.gcr.io/proj/app:2"),
                arguments("a port in the original registry", "registry.example.com:5000/app:1", "team-a", "mirror.corp.example:8443/legacy/app:1"),
                arguments("another port is not matched", "registry.example.com:5001/app:1", "team-a", null),
                arguments("an image from no rule's registry stays", "quay.io/prometheus/prometheus:v2", "team-a", null),
                arguments("an image already on the mirror is not rewritten again", "mirror.corp.example/dockerhub/bitnami/redis:7", "team-a", null),
                arguments("an image already under a {registry} target is not rewritten again", "mirror.corp.example/gcr/eu.gcr.io/proj/app:2", "team-a", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void imagesMoveToTheirMirrorWithTagAndDigestKept(String sentence, String image, String namespace, String expected) {
        ImageRewriter.Result result = ImageRewriter.rewrite(RULES, namespace, image);

        assertThat(result == null ? null : result.image()).isEqualTo(expected);
        if (result != null) {
            assertThat(ImageRewriter.rewrite(RULES, namespace, result.image())).as("rewriting the result again changes nothing").isNull();
        }
    }
}
