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
     * The one JVM-wide setting: the PKCS12 key store Vert.x builds in memory from the PEM key is
     * never written anywhere, so the JDK's default 10,000 PBKDF2 rounds protecting it buy nothing
     * and only slow every TLS set-up (start-up, each certificate reload); one round, unless the
     * operator chose a count.
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
