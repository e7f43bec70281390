package io.jwfp.scenarios.live;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jwfp.shim.nfqueue.TwoNamespaces;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real programs of the live scenarios: the servers of {@code live/servers.py} (HTTP and UDP echo, logging who
 * talked to them), {@code curl} and a UDP client. Foreground commands run through the testbed's {@link Runner}
 * ({@code TwoNamespaces::run} or {@code ThreeNamespaces::run}).
 */
public final class LiveApps {
    private LiveApps() {}

    /** Runs a command in a namespace to completion (a non-zero exit is a result). */
    @FunctionalInterface
    public interface Runner {
        TwoNamespaces.Result run(String ns, int timeoutSeconds, String... args) throws IOException, InterruptedException;
    }

    /** Skips the calling test unless root, nfqueue and every program named are there. */
    public static void assumeTools(String... tools) {
        TwoNamespaces.assumeLiveEnvironment();
        for (String t : tools) assumeTrue(TwoNamespaces.onPath(t), t + " is not installed (see .ci/run)");
    }

    /** The servers script (a test resource). */
    public static Path script() {
        try {
            return Path.of(LiveApps.class.getResource("/live/servers.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HTTP server on {@code host:port} in {@code ns} answering {@code name} (and {@code /file}, if given). */
    public static Background http(String ns, Path dir, String host, int port, String name, Path file) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("python3", script().toString(), "http", host, String.valueOf(port), name));
        if (file != null) cmd.add(file.toString());
        return Background.start(ns, dir, "http-" + name + "-" + port + "-" + System.nanoTime(), cmd.toArray(String[]::new))
                .await("listening");
    }

    public static Background http(String ns, Path dir, String host, int port, String name) throws Exception {
        return http(ns, dir, host, port, name, null);
    }

    /** A UDP server on {@code host:port} in {@code ns} answering each datagram with {@code prefix} + the datagram. */
    public static Background udpEcho(String ns, Path dir, String host, int port, String prefix) throws Exception {
        return Background.start(ns, dir, "udp-" + port + "-" + System.nanoTime(), "python3", script().toString(), "udp",
                host, String.valueOf(port), prefix).await("listening");
    }

    /**
     * A UDP client in {@code ns}: {@code length} random bytes to {@code host:port} from an unconnected socket; the
     * output is {@code reply FROM_ADDR FROM_PORT PREFIX} when an echo came back within 2 s, else {@code no reply}.
     */
    public static String udpClient(Runner r, String ns, String host, int port, int length) throws Exception {
        return r.run(ns, 10, "python3", script().toString(), "udpc", host, String.valueOf(port), String.valueOf(length))
                .output().trim();
    }

    /** {@code curl -sS -g -m SECONDS [EXTRA...] URL} in {@code ns}. */
    public static TwoNamespaces.Result curl(Runner r, String ns, int seconds, String url, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-g", "-m", String.valueOf(seconds)));
        cmd.addAll(List.of(extra));
        cmd.add(url);
        return r.run(ns, seconds + 10, cmd.toArray(String[]::new));
    }

    /** {@code http://HOST:PORT/PATH}, IPv6 literals bracketed. */
    public static String url(String host, int port, String path) {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
    }

    /** The "http ..." log lines of a server started by {@link #http}, split into their fields. */
    public static List<String[]> requests(Background server) {
        return server.lines("http ").stream().map(l -> l.split(" ")).toList();
    }
}
