package io.pullsecretinjector.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which TLS engine settings the HTTPS server ends up with. */
class PooledTlsBuffersTest {

    static Stream<Arguments> engines() {
        JdkSSLEngineOptions configured = new JdkSSLEngineOptions().setUseWorkerThread(true);
        OpenSSLEngineOptions openSsl = new OpenSSLEngineOptions();
        return Stream.of(
                arguments("with no engine chosen, the JDK's engine is used and pools its buffers", null,
                        (Consumer<SSLEngineOptions>) e -> assertThat(e).isInstanceOfSatisfying(JdkSSLEngineOptions.class,
                                jdk -> assertThat(jdk.isPooledHeapBuffers()).isTrue())),
                arguments("a JDK engine already configured keeps its settings and pools its buffers", configured,
                        (Consumer<SSLEngineOptions>) e -> assertThat(e).isInstanceOfSatisfying(JdkSSLEngineOptions.class, jdk -> {
                            assertThat(jdk.isPooledHeapBuffers()).isTrue();
                            assertThat(jdk.getUseWorkerThread()).isTrue();
                        })),
                arguments("an OpenSSL engine is left as it is", openSsl,
                        (Consumer<SSLEngineOptions>) e -> assertThat(e).isSameAs(openSsl)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("engines")
    void theHttpsServerPoolsTheJdkEnginesBuffers(String sentence, SSLEngineOptions before, Consumer<SSLEngineOptions> check) {
        HttpServerOptions options = new HttpServerOptions().setSsl(true).setSslEngineOptions(before);

        new PooledTlsBuffers().customizeHttpsServer(options);

        check.accept(options.getSslEngineOptions());
    }
}
