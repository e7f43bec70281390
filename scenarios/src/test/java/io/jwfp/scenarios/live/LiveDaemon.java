package io.jwfp.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.daemon.mgmt.Protocol;
import io.jwfp.scenarios.support.JwfpCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real jwfpd for the samples' live scenarios: a child process ({@code ip netns exec NS java -cp <this JVM's class
 * path> io.jwfp.daemon.Jwfpd}) inside the namespace where the sample runs, so its queues, its iptables rules and its
 * traffic stay there. It is managed the way a user manages it, with the {@code jwfp} command line against its socket
 * ({@link #jwfp}); net events, filters and status are read through the same commands' {@code --json} output.
 */
public final class LiveDaemon implements AutoCloseable {
    /** How a jwfpd that was expected to refuse to start ended. */
    public record Exit(int code, String log) {}

    public final String namespace;
    public final Path dir;
    public final Path socket;
    private final Path log;
    private final Process process;

    private LiveDaemon(String namespace, Path dir, Process process) {
        this.namespace = namespace;
        this.dir = dir;
        this.socket = dir.resolve("jwfpd.sock");
        this.log = dir.resolve("jwfpd.log");
        this.process = process;
    }

    /** The java launcher of this JVM. */
    public static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static Process launch(String ns, Path dir, Path policy, String... extra) throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.jwfp.daemon.Jwfpd",
                "--state-dir", dir.resolve("state").toString(), "--socket", dir.resolve("jwfpd.sock").toString()));
        if (policy != null) {
            cmd.add("--policy");
            cmd.add(policy.toAbsolutePath().toString());
        }
        cmd.addAll(List.of(extra));
        Path log = dir.resolve("jwfpd.log");
        Files.deleteIfExists(log);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        return p;
    }

    /**
     * Starts jwfpd in namespace {@code ns} with {@code policy} (null: none; persistent objects in {@code dir}'s state
     * directory are restored either way), and waits until it serves its socket.
     */
    public static LiveDaemon start(String ns, Path dir, Path policy, String... extra) throws Exception {
        LiveDaemon j = new LiveDaemon(ns, dir, launch(ns, dir, policy, extra));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (j.log().contains("listening on")) return j;
            if (!j.process.isAlive()) throw new IllegalStateException("jwfpd exited " + j.process.exitValue() + ":\n" + j.log());
            Thread.sleep(50);
        }
        j.kill();
        throw new IllegalStateException("jwfpd did not start within 30 s:\n" + j.log());
    }

    /** Runs a jwfpd that is expected to refuse to start; returns how it ended (it is killed if it does start). */
    public static Exit startRefused(String ns, Path dir, Path policy, String... extra) throws Exception {
        LiveDaemon j = new LiveDaemon(ns, dir, launch(ns, dir, policy, extra));
        try {
            if (!j.process.waitFor(30, TimeUnit.SECONDS) || j.log().contains("listening on")) {
                j.kill();
                return new Exit(Integer.MIN_VALUE, j.log() + "\n(it started)");
            }
            return new Exit(j.process.exitValue(), j.log());
        } finally {
            j.close();
        }
    }

    /** Everything jwfpd printed. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code jwfp ARGS} against this jwfpd, as a user types it. */
    public JwfpCli.Run jwfp(String... args) {
        return JwfpCli.run(socket, args);
    }

    /** {@code jwfp ARGS}, which must succeed; returns what it printed. */
    public String ok(String... args) {
        JwfpCli.Run r = jwfp(args);
        if (r.rc() != 0) throw new AssertionError("jwfp " + String.join(" ", args) + " exited " + r.rc() + ": " + r.err());
        return r.out();
    }

    private static JsonNode json(String text) {
        try {
            return Protocol.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code jwfp events --json}: the net events logged so far, oldest first. */
    public List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : ok("events", "--json").split("\n")) if (!line.isBlank()) out.add(json(line));
        return out;
    }

    /** The events matching {@code which}, once at least {@code atLeast} of them are there (the queue thread logs them). */
    public List<JsonNode> events(Predicate<JsonNode> which, int atLeast) throws InterruptedException {
        List<JsonNode> found = List.of();
        for (int i = 0; i < 60; i++) {
            found = events().stream().filter(which).toList();
            if (found.size() >= atLeast) return found;
            Thread.sleep(50);
        }
        return found;
    }

    /** {@code jwfp filter list --json}: the id of the filter named {@code name}. */
    public long filterId(String name) {
        for (JsonNode f : json(ok("filter", "list", "--json"))) {
            if (f.path("name").asText().equals(name)) return f.path("filterId").asLong();
        }
        throw new AssertionError("no filter " + name);
    }

    /** {@code jwfp status --json}. */
    public JsonNode status() {
        return json(ok("status", "--json"));
    }

    /** A live pipeline counter ({@code status.live.pipeline.NAME}). */
    public long pipeline(String counter) {
        return status().path("live").path("pipeline").path(counter).asLong();
    }

    /** {@code jwfp callout control CALLOUT ARGS} as JSON. */
    public JsonNode control(String callout, String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "callout";
        full[1] = "control";
        full[2] = callout;
        System.arraycopy(args, 0, full, 3, args.length);
        return json(ok(full));
    }

    /** SIGTERM (a clean stop: jwfpd removes its rules), then waits for the exit; returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    /** SIGKILL: nothing is cleaned up, as after a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) terminate();
    }
}
