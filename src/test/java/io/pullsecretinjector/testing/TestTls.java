package io.pullsecretinjector.testing;

import io.restassured.RestAssured;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * HTTPS to the webhook under test, which serves a certificate generated for the build: the one
 * place tests decide to trust it. Never used outside tests.
 */
public final class TestTls {

    private TestTls() {
    }

    /** RestAssured calls in this JVM accept the test server's certificate. */
    public static void trustTheTestServer() {
        RestAssured.useRelaxedHTTPSValidation();
    }

    /** A TLS context that accepts any server certificate, for raw sockets to the test server. */
    public static SSLContext trustingAnyServer() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx;
    }
}
