package io.jwfp.cli;

import io.jwfp.engine.FwpException;
import io.jwfp.policy.PolicyException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jwfp} command. Exit codes: 0 success, 1 the operation failed, 2 bad input (one line on stderr). */
@Command(name = "jwfp", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Jwfp.Version.class,
        description = "The Windows Filtering Platform, rebuilt in Java for Linux.",
        footer = {"", "Examples:", "  jwfp trace tcp                  the seed's TCP handshake through every layer (simulated)",
                "  jwfp explain --flow \"tcp 192.168.1.20:51000 -> 192.168.1.10:3389\" --direction in --policy windows.xml",
                "  jwfp replay capture.pcapng --policy policy.yaml --local 10.0.0.0/24",
                "  jwfp COMMAND --help             help and examples for one command"},
        subcommands = {TraceCommand.class, ExplainCommand.class, StatusCommand.class, ApplyCommand.class,
                FilterCommand.class, SublayerCommand.class, CalloutCommand.class, EventsCommand.class, LayersCommand.class,
                CalloutsCommand.class, ImportCommand.class, ShowCommand.class, ReplayCommand.class,
                CommandLine.HelpCommand.class})
public final class Jwfp implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with given streams; returns the exit code (for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(out, err);
        return cl.execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Jwfp());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            Throwable e = ex;
            if (e instanceof DaemonUnavailable || e instanceof ReplayCommand.CaptureProblem) {
                line.getErr().println("jwfp: " + e.getMessage());
                line.getErr().flush();
                return 1;
            }
            if (e instanceof PolicyException || e instanceof FwpException || e instanceof IllegalArgumentException
                    || e instanceof UserException) {
                line.getErr().println("jwfp: " + e.getMessage());
                line.getErr().flush();
                return 2;
            }
            line.getErr().println("jwfp: " + e);
            e.printStackTrace(line.getErr());
            line.getErr().flush();
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("jwfp: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            c.getErr().flush();
            return 2;
        });
        return cl;
    }

    /** A mistake of the user's: printed as one line, exit code 2. */
    public static final class UserException extends RuntimeException {
        public UserException(String message) {
            super(message);
        }
    }

    /** jwfpd cannot be reached: printed as one line, exit code 1. */
    public static final class DaemonUnavailable extends RuntimeException {
        public DaemonUnavailable(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Jwfp.class.getPackage().getImplementationVersion();
            return new String[] {"jwfp " + (v == null ? "0.1.0-SNAPSHOT" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
