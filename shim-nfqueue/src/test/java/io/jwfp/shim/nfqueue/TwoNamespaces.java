package io.jwfp.shim.nfqueue;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two network namespaces joined by a veth pair, made and removed by the tests themselves:
 * {@code NAME-a} holds 10.200.0.1/24 and fd00:200::1/64 on {@code va}, {@code NAME-b} holds .2 / ::2 on
 * {@code vb}. Traffic never leaves them. Every iptables rule lives inside {@code NAME-a} or {@code NAME-b}, so
 * deleting the namespaces removes the rules too, whatever state a failed test left.
 *
 * <p>Shared with other modules' live tests through this module's test jar.
 */
public final class TwoNamespaces implements AutoCloseable {
    public static final String A_V4 = "10.200.0.1";
    public static final String B_V4 = "10.200.0.2";
    public static final String A_V6 = "fd00:200::1";
    public static final String B_V6 = "fd00:200::2";

    public final String a;
    public final String b;

    private TwoNamespaces(String prefix) {
        // The pid keeps concurrent runs (several checkouts building at once) out of each other's namespaces.
        String base = prefix + "-" + ProcessHandle.current().pid();
        this.a = base + "-a";
        this.b = base + "-b";
    }

    /** Removes namespaces {@code <prefix>-<pid>-a|b} left by runs whose JVM is gone (killed before cleanup). */
    private static void removeStale(String prefix) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            for (String line : out.split("\\n")) {
                String name = line.split(" ")[0].trim();
                if (!name.startsWith(prefix + "-") || !(name.endsWith("-a") || name.endsWith("-b"))) continue;
                String mid = name.substring(prefix.length() + 1, name.length() - 2);
                if (!mid.chars().allMatch(Character::isDigit) || mid.isEmpty()) continue;
                if (ProcessHandle.of(Long.parseLong(mid)).isPresent()) continue;
                new ProcessBuilder("ip", "netns", "delete", name).start().waitFor();
            }
        } catch (Exception ignored) {
            // best effort: a leftover only costs a little memory
        }
    }

    /** Skips the calling test class unless it can really run: root, iptables present, nfqueue available. */
    public static void assumeLiveEnvironment() {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "live nfqueue tests need Linux");
        assumeTrue("root".equals(System.getProperty("user.name")), "live nfqueue tests need root (network namespaces, iptables)");
        assumeTrue(onPath("ip"), "iproute2 'ip' is not installed (apt-get install iproute2)");
        assumeTrue(onPath("iptables") && onPath("ip6tables"), "iptables is not installed (apt-get install iptables)");
        assumeTrue(NfQueue.isAvailable(), () -> "nfnetlink_queue unavailable: " + NfQueue.unavailabilityCause().getMessage());
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    /** Creates the pair (removing leftovers of an earlier crashed run with the same names first). */
    public static TwoNamespaces create(String prefix) throws Exception {
        removeStale(prefix);
        TwoNamespaces t = new TwoNamespaces(prefix);
        t.deleteQuietly();
        // A JVM killed by a timeout never runs @AfterAll; a shutdown hook still removes the namespaces on SIGTERM.
        Runtime.getRuntime().addShutdownHook(new Thread(t::deleteQuietly, "jwfp-netns-cleanup-" + prefix));
        try {
            sh("ip", "netns", "add", t.a);
            sh("ip", "netns", "add", t.b);
            sh("ip", "-n", t.a, "link", "add", "va", "type", "veth", "peer", "name", "vb", "netns", t.b);
            sh("ip", "-n", t.a, "addr", "add", A_V4 + "/24", "dev", "va");
            sh("ip", "-n", t.b, "addr", "add", B_V4 + "/24", "dev", "vb");
            sh("ip", "-n", t.a, "-6", "addr", "add", A_V6 + "/64", "dev", "va", "nodad");
            sh("ip", "-n", t.b, "-6", "addr", "add", B_V6 + "/64", "dev", "vb", "nodad");
            for (String[] l : new String[][] {{t.a, "va"}, {t.b, "vb"}, {t.a, "lo"}, {t.b, "lo"}}) {
                sh("ip", "-n", l[0], "link", "set", l[1], "up");
            }
        } catch (Exception e) {
            t.deleteQuietly();
            throw e;
        }
        return t;
    }

    public Path nsA() {
        return NetworkNamespace.named(a);
    }

    public Path nsB() {
        return NetworkNamespace.named(b);
    }

    /** Runs iptables (or ip6tables, with {@code v6}) inside namespace {@code ns}. */
    public void iptables(String ns, boolean v6, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, v6 ? "ip6tables" : "iptables", "-w"));
        cmd.addAll(List.of(args));
        sh(cmd.toArray(String[]::new));
    }

    /** Removes every rule and user chain of the tables the tests (and jwfpd) use in both namespaces. */
    public void flushRules() throws Exception {
        for (String ns : new String[] {a, b}) {
            for (String tool : new String[] {"iptables", "ip6tables"}) {
                for (String table : new String[] {"filter", "mangle", "security"}) {
                    sh("ip", "netns", "exec", ns, tool, "-w", "-t", table, "-F");
                    sh("ip", "netns", "exec", ns, tool, "-w", "-t", table, "-X");
                }
            }
        }
    }

    /** Packet counter of the first rule in {@code chain} of {@code table} in ns A whose text contains {@code marker}. */
    public long packetCounter(String ns, String table, String chain, String marker) throws Exception {
        String out = sh("ip", "netns", "exec", ns, "iptables", "-w", "-t", table, "-L", chain, "-v", "-x", "-n");
        Pattern row = Pattern.compile("^\\s*(\\d+)\\s+(\\d+)\\s+.*$");
        for (String line : out.split("\n")) {
            Matcher m = row.matcher(line);
            if (m.matches() && line.contains(marker)) {
                return Long.parseLong(m.group(1));
            }
        }
        throw new AssertionError("no rule containing '" + marker + "' in " + table + "/" + chain + ":\n" + out);
    }

    /** Runs a command inside namespace {@code ns} and returns its stdout. */
    public String exec(String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(args));
        return sh(cmd.toArray(String[]::new));
    }

    /** The exit code and output (stdout and stderr) of a command run to completion. */
    public record Result(int exitCode, String output) {}

    /** Runs a command inside namespace {@code ns}; unlike {@link #exec} a non-zero exit is a result, not a failure. */
    public Result run(String ns, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("jwfp-run", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                return new Result(-1, Files.readString(log, StandardCharsets.UTF_8) + "\n(timed out)");
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Override
    public void close() {
        deleteQuietly();
    }

    private void deleteQuietly() {
        for (String ns : new String[] {a, b}) {
            try {
                if (Files.exists(Path.of("/run/netns", ns))) {
                    sh("ip", "netns", "del", ns);
                }
            } catch (Exception e) {
                // best effort: nothing else to do, the next run deletes leftovers first
            }
        }
    }

    /** Runs a command, fails with its output if it exits non-zero or takes longer than 30 s. */
    public static String sh(String... cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile("jwfp-sh", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IOException("'" + String.join(" ", cmd) + "' exited " + p.exitValue() + ": " + text.trim());
            }
            return text;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
