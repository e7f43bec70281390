package io.jwfp.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.cli.Jwfp;
import io.jwfp.daemon.mgmt.ManagementClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real jwfpd for the live scenarios: a child process ({@code ip netns exec NS java -cp <this JVM's class path>
 * io.jwfp.daemon.Jwfpd --policy FILE ...}) inside the namespace where the sample runs, so its queues, its iptables rules
 * and its traffic stay there; {@link #jwfp} runs the {@code jwfp} command line against its socket as a user would.
 */
public final class LiveJwfpd implements AutoCloseable {
    /** A command's exit code and output. */
    public record Run(int rc, String out, String err) {}

    private final Path dir;
    private final Path socket;
    private final Path log;
    private final Process process;

    private LiveJwfpd(Path dir, Process process) {
        this.dir = dir;
        this.socket = dir.resolve("jwfpd.sock");
        this.log = dir.resolve("jwfpd.log");
        this.process = process;
    }

    /** Starts jwfpd in {@code ns} with the policy file, state under {@code dir}, and waits until it listens. */
    public static LiveJwfpd start(String ns, Path dir, Path policy, String... extra) throws Exception {
        LiveJwfpd j = launch(ns, dir, policy, extra);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (j.log().contains("listening on")) return j;
            if (!j.process.isAlive()) throw new IllegalStateException("jwfpd exited " + j.process.exitValue() + ":\n" + j.log());
            Thread.sleep(50);
        }
        j.close();
        throw new IllegalStateException("jwfpd did not start within 30 s:\n" + j.log());
    }

    /** Starts jwfpd expecting it to refuse: returns its exit code and output once it exited (within 30 s). */
    public static Run startExpectingFailure(String ns, Path dir, Path policy) throws Exception {
        LiveJwfpd j = launch(ns, dir, policy);
        if (!j.process.waitFor(30, TimeUnit.SECONDS)) {
            j.close();
            throw new AssertionError("jwfpd kept running:\n" + j.log());
        }
        return new Run(j.process.exitValue(), j.log(), "");
    }

    private static LiveJwfpd launch(String ns, Path dir, Path policy, String... extra) throws IOException {
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.jwfp.daemon.Jwfpd",
                "--state-dir", dir.resolve("state").toString(), "--socket", dir.resolve("jwfpd.sock").toString(),
                "--policy", policy.toAbsolutePath().toString()));
        cmd.addAll(List.of(extra));
        Path log = dir.resolve("jwfpd.log");
        Files.deleteIfExists(log);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        return new LiveJwfpd(dir, p);
    }

    /** A sample policy file of {@code examples/policies/samples} (tests run in the scenarios module directory). */
    public static Path samplePolicy(String name) {
        Path p = Path.of("..", "examples", "policies", "samples", name + ".yaml");
        if (!Files.exists(p)) throw new IllegalArgumentException("no sample policy " + p.toAbsolutePath());
        return p;
    }

    /** A copy of a sample policy under {@code dir} with text replaced (as a user edits the file): pairs of old, new. */
    public static Path editedPolicy(String name, Path dir, String... oldNew) throws IOException {
        String text = Files.readString(samplePolicy(name));
        for (int i = 0; i < oldNew.length; i += 2) {
            if (!text.contains(oldNew[i])) throw new IllegalArgumentException(name + " has no '" + oldNew[i] + "'");
            text = text.replace(oldNew[i], oldNew[i + 1]);
        }
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name + "-edited.yaml"), text);
    }

    /** Runs {@code jwfp ARGS --socket SOCKET} (the command line, in this JVM). */
    public Run jwfp(String... args) {
        String[] full = new String[args.length + 2];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--socket";
        full[args.length + 1] = socket.toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Jwfp.run(full, new PrintWriter(out), new PrintWriter(err));
        return new Run(rc, out.toString(), err.toString());
    }

    /** One management request; fails on an error answer. */
    public JsonNode call(String op) throws IOException {
        try (ManagementClient c = ManagementClient.connect(socket)) {
            JsonNode r = c.call(c.request(op));
            if (!r.path("ok").asBoolean()) throw new IllegalStateException(op + " failed: " + r);
            return r;
        }
    }

    /** The net events logged so far. */
    public List<JsonNode> events() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        call("events").path("events").forEach(out::add);
        return out;
    }

    /** The live pipeline's counters ({@code status.live.pipeline}). */
    public JsonNode pipeline() throws IOException {
        return call("status").path("status").path("live").path("pipeline");
    }

    /** The id of the filter named {@code name}. */
    public long filterId(String name) throws IOException {
        for (JsonNode f : call("filter.list").path("filters")) {
            if (f.path("name").asText().equals(name)) return f.path("filterId").asLong();
        }
        throw new AssertionError("no filter " + name);
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    public Path dir() {
        return dir;
    }

    /** SIGTERM (jwfpd removes its rules), SIGKILL after 20 s. */
    @Override
    public void close() throws Exception {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
