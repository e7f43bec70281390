package io.jwfp.scenarios.live;

import io.jwfp.shim.nfqueue.ThreeNamespaces;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The programs of a live scenario on the T3 testbed: servers and clients started in a namespace (the small programs
 * of {@code live/tools.py}, curl, ping) as {@link Background} programs and {@link Capture}s, stopped again by
 * {@link #stopAll} — each test stops what it started, the class removes the namespaces. Not thread-safe.
 */
public final class LiveBed {
    public final ThreeNamespaces t;
    public final Path dir;
    private final Path tools;
    private final List<AutoCloseable> running = new ArrayList<>();
    private int started;

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

    /**
     * Starts {@code args} in {@code ns} with its input open ({@link Background#stdin}); waits (up to 10 s) for
     * {@code ready} in its output when not null.
     */
    public Background start(String ns, String ready, String... args) throws Exception {
        Background bg = Background.startWithInput(ns, dir, "bg" + (++started), args);
        running.add(bg);
        return ready == null ? bg : bg.await(ready);
    }

    /** A {@code tools.py} program in the background. */
    public Background tool(String ns, String ready, String... args) throws Exception {
        return start(ns, ready, toolCommand(args));
    }

    /** A {@code tools.py} program to completion. */
    public TwoNamespaces.Result runTool(String ns, int timeoutSeconds, String... args) throws Exception {
        return t.run(ns, timeoutSeconds, toolCommand(args));
    }

    private String[] toolCommand(String... args) {
        List<String> a = new ArrayList<>(List.of("python3", "-u", tools.toString()));
        a.addAll(List.of(args));
        return a.toArray(String[]::new);
    }

    /** A capture with tcpdump on {@code iface} in {@code ns} into {@code file}, started when tcpdump says so. */
    public Capture capture(String ns, String iface, Path file, String filter) throws Exception {
        Capture c = Capture.into(file, ns, iface, List.of(), filter);
        running.add(c);
        return c;
    }

    /** Reads a capture back as text ({@code tcpdump -nn -vv -r FILE}). */
    public String read(Path capture, String... extra) throws Exception {
        return Capture.text(capture, extra);
    }

    /** Stops every program still running. */
    public void stopAll() {
        for (AutoCloseable c : running.reversed()) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // stopping anyway
            }
        }
        running.clear();
    }
}
