package io.pullsecretinjector.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DockerConfigTest {

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theRegistriesOfADockerConfigJsonSecretAreItsAuthsKeys() {
        var data = Map.of(".dockerconfigjson", b64("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"eDp5\"},\"registry.example.com:5000\":{}}}"));

        assertThat(DockerConfig.registries(DockerConfig.TYPE_DOCKER_CONFIG_JSON, data))
                .extracting(RegistryPattern::text).containsExactly("https://index.docker.io/v1/", "registry.example.com:5000");
    }

    @Test
    void theLegacyDockercfgFormatIsReadToo() {
        var data = Map.of(".dockercfg", b64("{\"quay.io\":{\"auth\":\"eDp5\"}}"));

        assertThat(DockerConfig.registries(DockerConfig.TYPE_DOCKERCFG, data)).extracting(RegistryPattern::text).containsExactly("quay.io");
    }

    @Test
    void anUnreadableSecretIsExplainedWithoutQuotingItsContent() {
        var data = Map.of(".dockerconfigjson", b64("{\"auths\": {\"x\": {\"password\": \"hunter2\""));

        assertThatThrownBy(() -> DockerConfig.registries(DockerConfig.TYPE_DOCKER_CONFIG_JSON, data))
                .hasMessageContaining("not base64-encoded JSON")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aSecretWithoutRegistryKeysSaysHowToMakeOne() {
        assertThatThrownBy(() -> DockerConfig.registries("Opaque", Map.of("password", b64("hunter2"))))
                .hasMessageContaining("kubectl create secret docker-registry")
                .hasMessageNotContaining("hunter2");
    }
}
