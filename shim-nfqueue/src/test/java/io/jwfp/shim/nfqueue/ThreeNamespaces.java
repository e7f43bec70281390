package io.jwfp.shim.nfqueue;

import static io.jwfp.shim.nfqueue.TwoNamespaces.sh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The T3 testbed of seed-samples §12.0, made and removed by the tests themselves: namespaces {@code NAME-a},
 * {@code NAME-b}, {@code NAME-c} (10.200.0.1/.2/.3 and fd00:200::1/::2/::3 on {@code eth0}), each joined by a veth to
 * the bridge {@code br0} in namespace {@code NAME-sw}, where {@code tcpdump -i br0} sees every frame between them.
 * Names carry the JVM's pid, so concurrent runs never share namespaces; traffic never leaves them.
 */
public final class ThreeNamespaces implements AutoCloseable {
    public static final String A_V4 = "10.200.0.1";
    public static final String B_V4 = "10.200.0.2";
    public static final String C_V4 = "10.200.0.3";
    public static final String A_V6 = "fd00:200::1";
    public static final String B_V6 = "fd00:200::2";
    public static final String C_V6 = "fd00:200::3";

    public final String a;
    public final String b;
    public final String c;
    public final String sw;

    private ThreeNamespaces(String prefix) {
        String base = prefix + "-" + ProcessHandle.current().pid();
        a = base + "-a";
        b = base + "-b";
        c = base + "-c";
        sw = base + "-sw";
    }

    /** Creates the testbed. */
    public static ThreeNamespaces create(String prefix) throws Exception {
        ThreeNamespaces t = new ThreeNamespaces(prefix);
        t.deleteQuietly();
        Runtime.getRuntime().addShutdownHook(new Thread(t::deleteQuietly, "jwfp-t3-cleanup-" + prefix));
        try {
            for (String ns : t.all()) sh("ip", "netns", "add", ns);
            sh("ip", "-n", t.sw, "link", "add", "br0", "type", "bridge");
            sh("ip", "-n", t.sw, "link", "set", "br0", "up");
            sh("ip", "-n", t.sw, "link", "set", "lo", "up");
            String[][] hosts = {{t.a, A_V4, A_V6, "pa"}, {t.b, B_V4, B_V6, "pb"}, {t.c, C_V4, C_V6, "pc"}};
            for (String[] h : hosts) {
                sh("ip", "-n", h[0], "link", "add", "eth0", "type", "veth", "peer", "name", h[3], "netns", t.sw);
                sh("ip", "-n", t.sw, "link", "set", h[3], "master", "br0");
                sh("ip", "-n", t.sw, "link", "set", h[3], "up");
                sh("ip", "-n", h[0], "addr", "add", h[1] + "/24", "dev", "eth0");
                sh("ip", "-n", h[0], "-6", "addr", "add", h[2] + "/64", "dev", "eth0", "nodad");
                sh("ip", "-n", h[0], "link", "set", "eth0", "up");
                sh("ip", "-n", h[0], "link", "set", "lo", "up");
            }
        } catch (Exception e) {
            t.deleteQuietly();
            throw e;
        }
        return t;
    }

    /** The four namespaces. */
    public List<String> all() {
        return List.of(a, b, c, sw);
    }

    /** Runs a command inside namespace {@code ns} and returns its stdout; fails on a non-zero exit. */
    public String exec(String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(args));
        return sh(cmd.toArray(String[]::new));
    }

    /** Runs a command inside {@code ns} to completion (or the timeout); a non-zero exit is a result. */
    public TwoNamespaces.Result run(String ns, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("jwfp-run", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                return new TwoNamespaces.Result(-1, Files.readString(log) + "\n(timed out)");
            }
            return new TwoNamespaces.Result(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    @Override
    public void close() {
        deleteQuietly();
    }

    private void deleteQuietly() {
        for (String ns : List.of(a, b, c, sw)) {
            try {
                if (Files.exists(Path.of("/run/netns", ns))) sh("ip", "netns", "del", ns);
            } catch (Exception e) {
                // best effort
            }
        }
    }
}
