package io.jwfp.scenarios.support;

import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.cli.Jwfp;
import io.jwfp.daemon.mgmt.ManagementServer;
import io.jwfp.daemon.mgmt.Protocol;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * The {@code jwfp} command line against a simulated host's engine: a management server (jwfpd's, without live
 * traffic) serves the host's Base Filtering Engine on a socket in a test directory, and {@link #jwfp} runs the CLI
 * against it — so a scenario says {@code jwfp callout control port-blocker add-rule port=80} exactly as a user would.
 * Commands run while the simulation is paused (the test thread waits for them), so callouts see no concurrent
 * classification.
 */
public final class JwfpCli implements AutoCloseable {
    /** A command's exit code and output. */
    public record Run(int rc, String out, String err) {}

    private final ManagementServer server;
    private final Path socket;

    public JwfpCli(BaseFilteringEngine bfe, Path dir) {
        this.socket = dir.resolve("jwfpd.sock");
        try {
            this.server = new ManagementServer(bfe, socket, null, true, () -> Protocol.JSON.createObjectNode()
                    .put("filters", bfe.filterEngine().state().filterCount()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs {@code jwfp ARGS --socket SOCKET}. */
    public Run jwfp(String... args) {
        return run(socket, args);
    }

    /**
     * Runs {@code jwfp ARGS} in this JVM against the jwfpd (real or test) listening on {@code socket}: the option goes
     * after the subcommand words, where picocli expects it.
     */
    public static Run run(Path socket, String... args) {
        int i = 0;
        while (i < args.length && !args[i].startsWith("-") && !args[i].contains("=")) i++;
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, i);
        full[i] = "--socket";
        full[i + 1] = socket.toString();
        System.arraycopy(args, i, full, i + 2, args.length - i);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Jwfp.run(full, new PrintWriter(out), new PrintWriter(err));
        return new Run(rc, out.toString(), err.toString());
    }

    @Override
    public void close() {
        server.close();
    }
}
