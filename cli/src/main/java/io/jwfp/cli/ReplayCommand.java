package io.jwfp.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.persist.ObjectJson;
import io.jwfp.policy.Policy;
import io.jwfp.shim.pcap.CaptureFormatException;
import io.jwfp.shim.pcap.CaptureReader;
import io.jwfp.shim.pcap.PcapngWriter;
import io.jwfp.shim.pcap.replay.LocalPrefixes;
import io.jwfp.shim.pcap.replay.Replay;
import io.jwfp.shim.pcap.replay.ReplaySummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jwfp replay}: classifies a capture's packets at WFP's layers against a policy, as the host owning the local
 * prefixes would, and writes what was permitted.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, description = {
        "Replay a capture (pcap or pcapng) through WFP's layers against a policy, as",
        "the host that owns the --local prefixes saw it: direction from the prefixes,",
        "ALE once per flow, FLOW_ESTABLISHED when a handshake completes, callouts run.",
        "Prints packets and flows per layer, action and deciding filter; --out writes",
        "what was permitted (pcapng; packets a callout modified as modified).",
        "A progress bar shows on a terminal. Exit code 0 on success; 1 when the",
        "capture is malformed or truncated (what came before is written and",
        "summarized, the error names the record); 2 on bad input."},
        footer = {"", "Example:",
                "  jwfp replay office.pcapng --policy examples/policies/block-outbound.yaml \\",
                "      --local 10.200.0.0/24,fd00::/64 --out allowed.pcapng --json"})
final class ReplayCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "CAPTURE", description = "The capture file (pcap or pcapng; Ethernet, raw IP or Linux cooked).")
    Path capture;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy to classify against: a jwfp policy (YAML) or a Windows `netsh wfp show filters|state` dump.")
    Path policyFile;

    @Option(names = "--local", required = true, paramLabel = "PREFIX[,PREFIX...]",
            description = "This host's addresses or prefixes, e.g. 10.0.0.0/24,fd00::/64.")
    String localPrefixes;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the permitted packets to FILE (pcapng).")
    Path outFile;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--no-progress", description = "No progress bar, even on a terminal.")
    boolean noProgress;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        LocalPrefixes local = LocalPrefixes.parse(localPrefixes); // IllegalArgumentException: exit 2
        Policy policy = PolicySource.load(policyFile, spec.commandLine().getErr()).policy();
        if (!Files.isRegularFile(capture)) {
            throw new Jwfp.UserException(capture + ": " + (Files.exists(capture) ? "not a regular file" : "no such file"));
        }
        if (outFile != null && sameFile(capture, outFile)) {
            throw new Jwfp.UserException("--out " + outFile + " is the capture itself");
        }
        Replay replay = Replay.of(policy, local);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressBar bar = !noProgress && isTerminal() ? new ProgressBar(err) : null;
        ReplaySummary summary;
        CaptureFormatException malformed = null;
        try (CaptureReader reader = open(capture);
             PcapngWriter writer = outFile == null ? null : create(outFile)) {
            try {
                summary = replay.run(reader, writer, bar == null ? null : bar::update);
            } catch (CaptureFormatException e) {
                malformed = e;
                summary = replay.lastSummary();
            } finally {
                if (bar != null) bar.clear();
            }
        } catch (IOException e) {
            throw new CaptureProblem(capture + ": " + e.getMessage()); // a read or write error, not a mistake
        }
        if (json) {
            ObjectNode o = ObjectJson.MAPPER.createObjectNode();
            o.put("capture", capture.toString());
            o.put("policy", policyFile.toString());
            o.put("local", local.toString());
            if (outFile == null) o.putNull("out");
            else o.put("out", outFile.toString());
            o.setAll(summary.toJson(ObjectJson.MAPPER));
            out.println(o.toPrettyString());
        } else {
            out.printf("jwfp replay %s against %s, local %s%n", capture, policyFile, local);
            out.print(summary.toText());
            if (outFile != null) out.printf("permitted packets written to %s%n", outFile);
        }
        out.flush();
        if (malformed != null) {
            String where = outFile == null ? "" : String.format(Locale.ROOT, " (the %,d permitted packets before it are in %s)",
                    summary.written(), outFile);
            throw new CaptureProblem(capture + ": " + malformed.getMessage() + where);
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static CaptureReader open(Path capture) throws IOException {
        try {
            return CaptureReader.open(capture);
        } catch (NoSuchFileException e) {
            throw new Jwfp.UserException(capture + ": no such file");
        } catch (CaptureFormatException e) {
            throw new Jwfp.UserException(capture + ": " + e.getMessage());
        }
    }

    private static PcapngWriter create(Path file) {
        try {
            return PcapngWriter.create(file);
        } catch (IOException e) {
            throw new Jwfp.UserException("--out " + file + ": cannot write (" + e.getMessage() + ")");
        }
    }

    /** Whether the user watches (a terminal), rather than a pipe or a file. */
    private static boolean isTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    /** A malformed or truncated capture, after the records before it were replayed: one line, exit code 1. */
    static final class CaptureProblem extends RuntimeException {
        CaptureProblem(String message) {
            super(message);
        }
    }

    /** A one-line bar on stderr, redrawn at most ten times a second. */
    static final class ProgressBar {
        private final PrintWriter err;
        private long lastDraw;
        private boolean drawn;

        ProgressBar(PrintWriter err) {
            this.err = err;
        }

        void update(long done, long total, long packets) {
            long now = System.nanoTime();
            if (drawn && now - lastDraw < 100_000_000L) return;
            lastDraw = now;
            drawn = true;
            int width = 30;
            double f = total <= 0 ? 1 : Math.min(1.0, (double) done / total);
            int full = (int) (f * width);
            err.print(String.format(Locale.ROOT, "\r[%s%s] %3d%% %,d packets", "#".repeat(full), ".".repeat(width - full),
                    (int) (f * 100), packets));
            err.flush();
        }

        void clear() {
            if (!drawn) return;
            err.print("\r" + " ".repeat(70) + "\r");
            err.flush();
        }
    }
}
