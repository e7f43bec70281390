package io.jwfp.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real jwfpd for the live scenarios: started as a child process inside a network namespace the test made
 * ({@code ip netns exec NS java -cp <this JVM's class path> io.jwfp.daemon.Jwfpd ...}), so its queues, its iptables
 * rules and the traffic it sees stay in that namespace; managed through its Unix socket, as {@code jwfp} does.
 */
public final class JwfpdInNamespace implements AutoCloseable {
    private final Path dir;
    private final Path socket;
    private final Path log;
    private final Process process;

    private JwfpdInNamespace(Path dir, Process process) {
        this.dir = dir;
        this.socket = dir.resolve("jwfpd.sock");
        this.log = dir.resolve("jwfpd.log");
        this.process = process;
    }

    /** The java launcher of this JVM. */
    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Starts jwfpd in namespace {@code ns} with {@code policyYaml}, its state, socket and log under {@code dir}, and
     * waits (at most 30 s) until it listens.
     */
    public static JwfpdInNamespace start(String ns, Path dir, String policyYaml, String... extraArguments) throws Exception {
        Files.createDirectories(dir);
        Path policy = Files.writeString(dir.resolve("policy.yaml"), policyYaml);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.jwfp.daemon.Jwfpd",
                "--state-dir", dir.resolve("state").toString(), "--socket", dir.resolve("jwfpd.sock").toString(),
                "--policy", policy.toString()));
        cmd.addAll(List.of(extraArguments));
        Files.deleteIfExists(dir.resolve("jwfpd.log"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("jwfpd.log").toFile()).start();
        p.getOutputStream().close();
        JwfpdInNamespace j = new JwfpdInNamespace(dir, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (j.log().contains("listening on")) return j;
            if (!p.isAlive()) throw new IllegalStateException("jwfpd exited " + p.exitValue() + ":\n" + j.log());
            Thread.sleep(50);
        }
        j.kill();
        throw new IllegalStateException("jwfpd did not start within 30 s:\n" + j.log());
    }

    public Path socket() {
        return socket;
    }

    public Path dir() {
        return dir;
    }

    /** Everything jwfpd printed so far. */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** One management request; fails on an error answer. */
    public JsonNode call(String op, java.util.function.Consumer<ObjectNode> fill) throws IOException {
        try (ManagementClient c = ManagementClient.connect(socket)) {
            ObjectNode req = c.request(op);
            fill.accept(req);
            JsonNode r = c.call(req);
            if (!r.path("ok").asBoolean()) throw new IllegalStateException(op + " failed: " + r);
            return r;
        }
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

    /** jwfpd's live status ({@code jwfp status}'s "live" part). */
    public JsonNode liveStatus() throws IOException {
        return call("status", r -> { }).path("status").path("live");
    }

    /** SIGTERM, then waits for the exit (jwfpd removes its rules on the way out). */
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

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) terminate();
    }
}
