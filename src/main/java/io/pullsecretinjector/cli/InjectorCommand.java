package io.pullsecretinjector.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The top of the command line; with no command the jar serves the webhook (see {@link Main}). */
@Command(name = "java -jar quarkus-run.jar",
        subcommands = {ReviewCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        description = {"pullsecret-injector. With no arguments: serve the webhook (HTTPS 8443 /mutate, management HTTP 9000).",
                "Commands run without the server:"})
public final class InjectorCommand implements Runnable {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs a command line; returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        return new CommandLine(new InjectorCommand())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(out)
                .setErr(err)
                .execute(args);
    }
}
