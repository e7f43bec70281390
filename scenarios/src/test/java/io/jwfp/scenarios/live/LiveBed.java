package io.jwfp.scenarios.live;

import io.jwfp.shim.nfqueue.ThreeNamespaces;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The programs of a live scenario on the T3 testbed: servers and clients started in a namespace (the small programs
 * of {@code live/tools.py}, curl, ping, tcpdump), stopped again by {@link #stopAll} — each test stops what it started,
 * the class removes the namespaces.
 */
public final class LiveBed {
    public final ThreeNamespaces t;
    public final Path dir;
    private final Path tools;
    private final List<Process> running = new ArrayList<>();

    public LiveBed(ThreeNamespaces t, Path dir) throws IOException {
        this.t = t;
        this.dir = dir;
        Files.createDirectories(dir);
        try (var in = LiveBed.class.getResourceAsStream("/live/tools.py")) {
            if (in == null) throw new IllegalStateException("live/tools.py is missing from the test resources");
            tools = dir.resolve("tools.py");
            Files.write(tools, in.readAllBytes());
        }
    }

    /** Skips unless the live environment and the programs the scenarios use are there. */
    public static void assumeReady(String... programs) {
        TwoNamespaces.assumeLiveEnvironment();
        for (String p : programs) {
            org.junit.jupiter.api.Assumptions.assumeTrue(TwoNamespaces.onPath(p), p + " is not installed");
        }
    }

    /** A program running in the background in {@code ns}; its output goes to a file. */
    public final class Bg implements AutoCloseable {
        final Process process;
        final Path out;

        Bg(Process process, Path out) {
            this.process = process;
            this.out = out;
        }

        public String output() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        public Writer stdin() {
            return new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /** SIGINT (tcpdump writes its file out), then SIGKILL after 5 s. */
        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                Thread.sleep(100); // what is on its way to a capture gets there
                new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
                if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
            }
            // ip netns exec execs the program: the pid is the program's own.
            running.remove(process);
        }
    }

    /** Starts {@code args} in {@code ns}; waits (up to 10 s) for {@code ready} in its output when not null. */
    public Bg start(String ns, String ready, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "bg", ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        running.add(p);
        Bg bg = new Bg(p, out);
        if (ready != null) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!bg.output().contains(ready)) {
                if (!p.isAlive()) throw new IllegalStateException(String.join(" ", args) + " exited:\n" + bg.output());
                if (System.nanoTime() > deadline) throw new IllegalStateException(String.join(" ", args) + " not ready:\n" + bg.output());
                Thread.sleep(20);
            }
        }
        return bg;
    }

    /** A {@code tools.py} program in the background. */
    public Bg tool(String ns, String ready, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("python3", "-u", tools.toString()));
        a.addAll(List.of(args));
        return start(ns, ready, a.toArray(String[]::new));
    }

    /** A {@code tools.py} program to completion. */
    public TwoNamespaces.Result runTool(String ns, int timeoutSeconds, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("python3", "-u", tools.toString()));
        a.addAll(List.of(args));
        return t.run(ns, timeoutSeconds, a.toArray(String[]::new));
    }

    /** A capture with {@code tcpdump -i IFACE -w FILE FILTER} in {@code ns}, started when tcpdump says so. */
    public Bg capture(String ns, String iface, Path file, String filter) throws Exception {
        // Immediate mode: without it the kernel hands packets over in blocks (up to a second late) and a capture stopped
        // right after the traffic misses the last ones.
        return start(ns, "listening on", "tcpdump", "-i", iface, "-nn", "--immediate-mode", "-U", "-w", file.toString(),
                filter);
    }

    /** Reads a capture back as text ({@code tcpdump -nn -vv -r FILE}). */
    public String read(Path capture, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tcpdump", "-nn", "-vv", "-r", capture.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String text;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            text = String.join("\n", r.lines().toList());
        }
        p.waitFor();
        return text;
    }

    /** Stops every program still running. */
    public void stopAll() {
        for (Process p : List.copyOf(running)) {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        running.clear();
    }
}
