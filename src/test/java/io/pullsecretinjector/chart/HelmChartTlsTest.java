package io.pullsecretinjector.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The three certificate modes: helm (generated), cert-manager, and an existing Secret. */
@SuppressWarnings("unchecked")
class HelmChartTlsTest {

    private static final List<String> DNS_NAMES = List.of(
            "pullsecret-injector",
            "pullsecret-injector.pullsecret-injector",
            "pullsecret-injector.pullsecret-injector.svc",
            "pullsecret-injector.pullsecret-injector.svc.cluster.local");

    @Test
    void helm_mode_generates_a_server_certificate_for_the_service_signed_by_the_ca_in_the_caBundle() throws Exception {
        var m = ChartRender.template("tls-helm-values.yaml");
        Secret tls = m.one(Secret.class);
        assertThat(tls.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(tls.getMetadata().getName()).isEqualTo("pullsecret-injector-tls");
        assertThat(tls.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");

        String caBundle = m.one(MutatingWebhookConfiguration.class).getWebhooks().get(0).getClientConfig().getCaBundle();
        assertThat(caBundle).isEqualTo(tls.getData().get("ca.crt"));

        X509Certificate ca = cert(caBundle);
        X509Certificate server = cert(tls.getData().get("tls.crt"));
        server.verify(ca.getPublicKey()); // throws when not signed by the CA the API server trusts
        assertThat(server.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList()).containsExactlyInAnyOrderElementsOf(DNS_NAMES);
        assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(new String(Base64.getDecoder().decode(tls.getData().get("tls.key")))).contains("PRIVATE KEY");
        // Ten years by default: Helm cannot renew it by itself.
        assertThat(server.getNotAfter().toInstant()).isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(3640)));
    }

    @Test
    void helm_mode_certificate_and_key_load_in_the_servers_pem_key_store() {
        // The server reads tls.crt/tls.key through Vert.x PEM options (quarkus.tls.key-store.pem);
        // Helm's genSignedCert writes a PKCS#1 RSA key, which must load there.
        Secret tls = ChartRender.template("tls-helm-values.yaml").one(Secret.class);
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            var options = new io.vertx.core.net.PemKeyCertOptions()
                    .setCertValue(io.vertx.core.buffer.Buffer.buffer(Base64.getDecoder().decode(tls.getData().get("tls.crt"))))
                    .setKeyValue(io.vertx.core.buffer.Buffer.buffer(Base64.getDecoder().decode(tls.getData().get("tls.key"))));
            javax.net.ssl.KeyManagerFactory kmf = options.getKeyManagerFactory(vertx);
            assertThat(kmf.getKeyManagers()).isNotEmpty();
        } catch (Exception e) {
            throw new AssertionError("the generated certificate or key does not load: " + e, e);
        } finally {
            vertx.close();
        }
    }

    @Test
    void helm_mode_reuse_across_upgrades_is_explained_in_the_template_because_lookup_needs_a_cluster() throws Exception {
        String template = java.nio.file.Files.readString(ChartRender.CHART.resolve("templates/webhook.yaml"));
        assertThat(template).contains("lookup \"v1\" \"Secret\" .Release.Namespace $tlsSecretName").contains(".Release.IsUpgrade")
                .contains("reuses its certificate, key and CA");
    }

    @Test
    void cert_manager_mode_requests_a_certificate_and_lets_cainjector_fill_the_caBundle() {
        var m = ChartRender.template("tls-cert-manager-values.yaml");
        assertThat(m.all(Secret.class)).isEmpty();
        MutatingWebhookConfiguration mwc = m.one(MutatingWebhookConfiguration.class);
        assertThat(mwc.getMetadata().getAnnotations())
                .containsEntry("cert-manager.io/inject-ca-from", "pullsecret-injector/pullsecret-injector-serving");
        assertThat(mwc.getWebhooks().get(0).getClientConfig().getCaBundle()).isNull();

        GenericKubernetesResource cert = certificate(m, "pullsecret-injector-serving");
        assertThat(cert.getApiVersion()).isEqualTo("cert-manager.io/v1");
        Map<String, Object> spec = cert.get("spec");
        assertThat(spec).containsEntry("secretName", "pullsecret-injector-tls").containsEntry("dnsNames", DNS_NAMES)
                .doesNotContainKey("isCA");
        assertThat(spec.get("issuerRef")).isEqualTo(Map.of("group", "cert-manager.io", "kind", "Issuer", "name", "pullsecret-injector-ca"));
    }

    @Test
    void cert_manager_mode_issues_the_leaf_from_a_ca_chain_so_a_renewal_keeps_the_caBundle() {
        var m = ChartRender.template("tls-cert-manager-values.yaml");
        // self-signed Issuer -> CA Certificate -> CA Issuer -> leaf (the leaf's issuerRef is checked above)
        assertThat(issuer(m, "pullsecret-injector-selfsigned")).containsOnlyKeys("selfSigned");
        Map<String, Object> ca = certificate(m, "pullsecret-injector-ca").get("spec");
        assertThat(ca).containsEntry("isCA", true).containsEntry("secretName", "pullsecret-injector-ca")
                .containsEntry("duration", "87600h")
                .containsEntry("issuerRef", Map.of("group", "cert-manager.io", "kind", "Issuer", "name", "pullsecret-injector-selfsigned"));
        // The CA keeps its key on renewal, so leaves it signed before still verify.
        assertThat((Map<String, Object>) ca.get("privateKey")).containsEntry("rotationPolicy", "Never");
        assertThat(issuer(m, "pullsecret-injector-ca")).isEqualTo(Map.of("ca", Map.of("secretName", "pullsecret-injector-ca")));
    }

    @Test
    void helm_mode_is_flagged_as_not_for_gitops_in_values_notes_and_readme() throws Exception {
        assertThat(java.nio.file.Files.readString(ChartRender.CHART.resolve("values.yaml"))).contains("NOT FOR GITOPS");
        assertThat(java.nio.file.Files.readString(ChartRender.CHART.resolve("README.md"))).contains("not compatible with GitOps");
        assertThat(ChartRender.notes(null, Map.of())).contains("tls.mode=helm (the default) is NOT compatible with Argo CD");
        assertThat(ChartRender.notes("tls-cert-manager-values.yaml", Map.of())).doesNotContain("NOT compatible");
    }

    private static GenericKubernetesResource certificate(ChartRender.Manifests m, String name) {
        return m.generic("Certificate").stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Certificate " + name));
    }

    private static Map<String, Object> issuer(ChartRender.Manifests m, String name) {
        return m.generic("Issuer").stream().filter(c -> c.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Issuer " + name)).get("spec");
    }

    @Test
    void cert_manager_mode_with_an_issuerRef_uses_it_and_makes_no_issuer() {
        var m = ChartRender.template("tls-cert-manager-values.yaml", Map.of(
                "tls.certManager.issuerRef.name", "corp-ca", "tls.certManager.issuerRef.kind", "ClusterIssuer"));
        assertThat(m.generic("Issuer")).isEmpty();
        assertThat(m.generic("Certificate")).as("no CA of the chart's own").hasSize(1);
        Map<String, Object> spec = m.generic("Certificate").get(0).get("spec");
        assertThat(spec.get("issuerRef")).isEqualTo(Map.of("name", "corp-ca", "kind", "ClusterIssuer"));
    }

    @Test
    void secret_mode_trusts_the_given_ca_and_renders_no_certificate() {
        var m = ChartRender.template("tls-secret-values.yaml");
        assertThat(m.all(Secret.class)).isEmpty();
        assertThat(m.generic("Certificate")).isEmpty();
        var cc = m.one(MutatingWebhookConfiguration.class).getWebhooks().get(0).getClientConfig();
        assertThat(cc.getCaBundle()).startsWith("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"); // base64 of "-----BEGIN CERTIFICATE-----"
        assertThat(m.one(MutatingWebhookConfiguration.class).getMetadata().getAnnotations()).isNullOrEmpty();
    }

    @Test
    void secret_mode_without_a_caBundle_fails_with_a_message_that_says_what_to_set() {
        assertThatThrownBy(() -> ChartRender.template(null, Map.of("tls.mode", "secret", "tls.existingSecret", "my-tls")))
                .hasMessageContaining("tls.caBundle is required");
        assertThatThrownBy(() -> ChartRender.template(null, Map.of("tls.mode", "secret", "tls.caBundle", "Zm9v")))
                .hasMessageContaining("tls.existingSecret is required");
    }

    private static X509Certificate cert(String base64Pem) throws Exception {
        byte[] pem = Base64.getDecoder().decode(base64Pem);
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }
}
