package io.pullsecretinjector.embedded;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;

/**
 * Points the application's KubernetesClient at the embedded API when it is used; leaves the
 * configuration Quarkus and fabric8 found untouched otherwise.
 */
@Singleton
public class EmbeddedApiConfigCustomizer implements KubernetesConfigCustomizer {

    private final EmbeddedKubernetesApi embedded;

    public EmbeddedApiConfigCustomizer(EmbeddedKubernetesApi embedded) {
        this.embedded = embedded;
    }

    @Override
    public void customize(Config config) {
        if (!embedded.active()) {
            return;
        }
        config.setMasterUrl(embedded.url());
        config.setNamespace("default");
        config.setTrustCerts(true);
        config.setHttp2Disable(true);
        config.setOauthToken(null);
        config.setUsername(null);
        config.setPassword(null);
        config.setCaCertFile(null);
        config.setCaCertData(null);
        config.setClientCertFile(null);
        config.setClientCertData(null);
        config.setClientKeyFile(null);
        config.setClientKeyData(null);
    }
}
