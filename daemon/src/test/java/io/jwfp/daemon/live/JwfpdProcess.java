package io.jwfp.daemon.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import io.jwfp.daemon.mgmt.Protocol;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real jwfpd for the live tests, started as a child process inside a network namespace the test made ({@code ip
 * netns exec NS java -cp <this JVM's class path> io.jwfp.daemon.Jwfpd ...}), so its queues, its iptables rules and the
 * traffic it sees stay in that namespace. Its state directory, socket and log ({@code jwfpd.log}: everything it
 * printed) are under the directory the test gives. Management goes through its Unix socket; the samples' scenarios
 * extend this class to read it through the {@code jwfp} command line instead ({@code io.jwfp.scenarios.live.LiveJwfpd}).
 *
 * <p>Published in the daemon's test jar, the one helper every live test of a jwfpd uses. Not thread-safe: one test
 * thread drives it.
 */
public class JwfpdProcess implements AutoCloseable {
    /** How a jwfpd that was expected to refuse to start ended: its exit code and everything it printed. */
    public record Exit(int code, String log) {}

    private final String namespace;
    private final Path dir;
    private final Path socket;
    private final Path log;
    private final Process process;

    /** For subclasses: wraps a process {@link #launch} started; {@link #awaitListening} then waits for it. */
    protected JwfpdProcess(String namespace, Path dir, Process process) {
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

    /**
     * Starts jwfpd in namespace {@code ns} with the policy file {@code policy} (null: none; persistent objects in
     * {@code dir}'s state directory are restored either way) and {@code extra} options, and waits (at most 30 s) until
     * it serves its socket.
     */
    public static JwfpdProcess start(String ns, Path dir, Path policy, String... extra) throws Exception {
        return awaitListening(new JwfpdProcess(ns, dir, launch(ns, dir, policy, extra)));
    }

    /** {@link #start} with a policy given as YAML text (null: none), written to {@code dir/policy.yaml}. */
    public static JwfpdProcess startWithPolicy(String ns, Path dir, String policyYaml, String... extra) throws Exception {
        return start(ns, dir, writePolicy(dir, policyYaml), extra);
    }

    /**
     * Runs a jwfpd that is expected to refuse to start; returns how it ended. Fails (after killing it) if it started
     * serving or kept running for 30 s.
     */
    public static Exit startRefused(String ns, Path dir, Path policy, String... extra) throws Exception {
        JwfpdProcess j = new JwfpdProcess(ns, dir, launch(ns, dir, policy, extra));
        try {
            if (!j.process.waitFor(30, TimeUnit.SECONDS) || j.log().contains("listening on")) {
                j.kill();
                throw new AssertionError("jwfpd started although it should have refused:\n" + j.log());
            }
            return new Exit(j.process.exitValue(), j.log());
        } finally {
            j.close();
        }
    }

    /** Writes {@code policyYaml} to {@code dir/policy.yaml}; null stays null (no policy). */
    protected static Path writePolicy(Path dir, String policyYaml) throws IOException {
        if (policyYaml == null) return null;
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("policy.yaml"), policyYaml);
    }

    /** Starts the process (output to {@code dir/jwfpd.log}); does not wait. */
    protected static Process launch(String ns, Path dir, Path policy, String... extra) throws IOException {
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

    /** Waits (at most 30 s) until jwfpd says it listens; fails with its log if it exits or never does. */
    protected static <T extends JwfpdProcess> T awaitListening(T started) throws Exception {
        JwfpdProcess j = started;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (j.log().contains("listening on")) return started;
            if (!j.process.isAlive()) throw new IllegalStateException("jwfpd exited " + j.process.exitValue() + ":\n" + j.log());
            Thread.sleep(50);
        }
        j.kill();
        throw new IllegalStateException("jwfpd did not start within 30 s:\n" + j.log());
    }

    public String namespace() {
        return namespace;
    }

    public Path dir() {
        return dir;
    }

    public Path socket() {
        return socket;
    }

    /** Everything jwfpd printed so far. */
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

    // ------------------------------------------------------------------------------------------------ management

    /** One management request; fails on an error answer. */
    public JsonNode call(String op, Consumer<ObjectNode> fill) throws IOException {
        try (ManagementClient c = ManagementClient.connect(socket)) {
            ObjectNode req = c.request(op);
            fill.accept(req);
            JsonNode r = c.call(req);
            if (!r.path("ok").asBoolean()) throw new IllegalStateException(op + " failed: " + r);
            return r;
        }
    }

    /** One management request without arguments. */
    public JsonNode call(String op) throws IOException {
        return call(op, r -> { });
    }

    /** Adds a filter (policy-file form, e.g. {@code {name, layer, action, weight, conditions}}); returns its id. */
    public long addFilter(String json) throws IOException {
        JsonNode spec = Protocol.JSON.readTree(json);
        return call("filter.add", r -> r.set("filter", spec)).path("filterId").asLong();
    }

    /** The net events logged so far, oldest first. */
    public List<JsonNode> events() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        call("events").path("events").forEach(out::add);
        return out;
    }

    /** The id of the filter named {@code name}. */
    public long filterId(String name) throws IOException {
        for (JsonNode f : call("filter.list").path("filters")) {
            if (f.path("name").asText().equals(name)) return f.path("filterId").asLong();
        }
        throw new AssertionError("no filter " + name);
    }

    /** jwfpd's status (what {@code jwfp status --json} prints). */
    public JsonNode status() throws IOException {
        return call("status").path("status");
    }

    /** jwfpd's live status ({@code jwfp status}'s "live" part). */
    public JsonNode liveStatus() throws IOException {
        return status().path("live");
    }

    /** The live pipeline's counters ({@code status.live.pipeline}). */
    public JsonNode pipeline() throws IOException {
        return liveStatus().path("pipeline");
    }

    /** {@code jwfp callout control CALLOUT COMMAND KEY=VALUE...}: the callout's answer. */
    public JsonNode calloutControl(String callout, String command, Map<String, String> arguments) throws IOException {
        return call("callout.control", r -> {
            r.put("callout", callout);
            r.put("command", command);
            ObjectNode args = r.putObject("arguments");
            arguments.forEach(args::put);
        }).path("result");
    }

    // ------------------------------------------------------------------------------------------------ stop

    /** SIGTERM (a clean stop: jwfpd removes its rules), then waits for the exit (SIGKILL after 20 s); the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    /** SIGKILL: nothing is cleaned up, as after a crash (fail-open rules stay and let packets pass). */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Stops jwfpd cleanly if it still runs. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) terminate();
    }
}
