package io.pullsecretinjector.admission;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Has the HTTPS server take its TLS buffers from Netty's pool. With the JDK's TLS engine, Vert.x
 * otherwise allocates a new heap buffer for every TLS record it encrypts or decrypts: more
 * garbage per review than everything else a review allocates, and so more
 * young collections (pauses) under load. Vert.x's own documentation of
 * {@link JdkSSLEngineOptions#setPooledHeapBuffers} recommends pooling; it is off by default.
 * Another TLS engine (OpenSSL), if one is ever configured, is left as it is.
 */
@ApplicationScoped
public class PooledTlsBuffers implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        SSLEngineOptions engine = options.getSslEngineOptions();
        if (engine == null) {
            options.setSslEngineOptions(new JdkSSLEngineOptions().setPooledHeapBuffers(true));
        } else if (engine instanceof JdkSSLEngineOptions jdk) {
            options.setSslEngineOptions(new JdkSSLEngineOptions(jdk).setPooledHeapBuffers(true));
        }
    }
}
