package io.pullsecretinjector.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The entry point of {@code quarkus-run.jar}. With no arguments (the container, the chart) it
 * serves the webhook exactly as before. With a command ({@code review}, {@code demo}, {@code help})
 * it runs that command and exits <em>before Quarkus starts</em>: no HTTPS server, no management
 * port, no Kubernetes client, no certificates needed. That is why plain picocli is used here and
 * not quarkus-picocli, whose commands run inside a started application (with its HTTP server,
 * which would also collide with the server {@code demo} talks to).
 */
@QuarkusMain
public final class Main {

    /** First arguments that select the command line instead of the server. */
    static final Set<String> COMMANDS = Set.of("review", "demo", "help", "-h", "--help");

    public static void main(String... args) {
        if (isCommand(args)) {
            System.exit(InjectorCommand.execute(args, stdout(System.out), stdout(System.err)));
        }
        cheapInMemoryKeyStores();
        Quarkus.run(args);
    }

    /**
     * Vert.x turns the PEM certificate and key into an in-memory PKCS12 key store, its key protected by a
     * constant password. The JDK's default of 10,000 PBKDF2 rounds for that protection, paid when the store
     * is built, when the key is read back and for each TLS context (and again at each certificate reload),
     * cost about 0.25 s of CPU at startup, interpreted, and protect nothing: the key comes from a plain PEM
     * file and the store is never written anywhere. Set only when nobody chose a count already.
     */
    static void cheapInMemoryKeyStores() {
        if (System.getProperty(PKCS12_PBE_ROUNDS) == null) {
            System.setProperty(PKCS12_PBE_ROUNDS, "1");
        }
    }

    /** JDK system property (overrides the security property of the same name). */
    static final String PKCS12_PBE_ROUNDS = "keystore.pkcs12.keyPbeIterationCount";

    /** True when the arguments name a command; anything else starts the server, as before. */
    static boolean isCommand(String... args) {
        return args.length > 0 && COMMANDS.contains(args[0]);
    }

    private static PrintWriter stdout(java.io.PrintStream stream) {
        return new PrintWriter(new java.io.OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }
}
