package io.pullsecretinjector.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyStore;
import java.security.KeyStore.PasswordProtection;
import java.security.KeyStore.PrivateKeyEntry;
import java.security.KeyPairGenerator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The jar serves unless its first argument names a command; the container runs it with none. */
class MainTest {

    @ParameterizedTest(name = "\"{0}\" -> command line: {1}")
    @CsvSource(delimiter = '|', value = {
            "''|false",
            "review --policy p.yaml pod.yaml|true",
            "review --check-policy p.yaml|true",
            "demo|true",
            "help|true",
            "--help|true",
            "-h|true",
            "serve|false",
            "-Dquarkus.http.port=1|false",
            "--policy p.yaml|false"})
    void dispatch(String commandLine, boolean isCommand) {
        String[] args = commandLine.isEmpty() ? new String[0] : commandLine.split(" ");

        assertThat(Main.isCommand(args)).isEqualTo(isCommand);
    }

    @Test
    void inMemoryKeyStoresSkipTheKeyDerivationRoundsUnlessSomeoneSetThem() throws Exception {
        String before = System.getProperty(Main.PKCS12_PBE_ROUNDS);
        try {
            System.setProperty(Main.PKCS12_PBE_ROUNDS, "5000");
            Main.cheapInMemoryKeyStores();
            assertThat(System.getProperty(Main.PKCS12_PBE_ROUNDS)).isEqualTo("5000");

            System.clearProperty(Main.PKCS12_PBE_ROUNDS);
            Main.cheapInMemoryKeyStores();
            assertThat(System.getProperty(Main.PKCS12_PBE_ROUNDS)).isEqualTo("1");
            // and a PKCS12 store still keeps and gives back a key with it, as Vert.x uses one for the PEM key
            Certificate cert;
            try (var in = Files.newInputStream(Path.of("target/certificates/webhook.crt"))) {
                cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            PasswordProtection password = new PasswordProtection("dummy".toCharArray());
            var key = KeyPairGenerator.getInstance(cert.getPublicKey().getAlgorithm()).generateKeyPair().getPrivate();
            store.setEntry("key", new PrivateKeyEntry(key, new Certificate[] {cert}), password);
            assertThat(store.getKey("key", password.getPassword())).isEqualTo(key);
        } finally {
            if (before == null) {
                System.clearProperty(Main.PKCS12_PBE_ROUNDS);
            } else {
                System.setProperty(Main.PKCS12_PBE_ROUNDS, before);
            }
        }
    }
}
