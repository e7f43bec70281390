package io.jwfp.daemon.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real jwfpd, started as a child process inside namespace A of a {@link TwoNamespaces} pair
 * ({@code ip netns exec A java -cp <this JVM's class path> io.jwfp.daemon.Jwfpd ...}), so its queues, its iptables
 * rules and its traffic all live in that namespace. Management goes through its Unix socket.
 */
final class JwfpdProcess implements AutoCloseable {
    final Path dir;
    final Path socket;
    final Path log;
    private final Process process;

    private JwfpdProcess(Path dir, Process process) {
        this.dir = dir;
        this.socket = dir.resolve("jwfpd.sock");
        this.log = dir.resolve("jwfpd.log");
        this.process = process;
    }

    /** The java launcher of this JVM. */
    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Starts jwfpd in namespace {@code ns} with {@code policyYaml} (null: none), state and socket under {@code dir},
     * and waits until it listens.
     */
    static JwfpdProcess start(String ns, Path dir, String policyYaml, String... extra) throws Exception {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "io.jwfp.daemon.Jwfpd",
                "--state-dir", dir.resolve("state").toString(), "--socket", dir.resolve("jwfpd.sock").toString()));
        if (policyYaml != null) {
            Path p = Files.writeString(dir.resolve("policy.yaml"), policyYaml);
            cmd.add("--policy");
            cmd.add(p.toString());
        }
        cmd.addAll(List.of(extra));
        Path log = dir.resolve("jwfpd.log");
        Files.deleteIfExists(log);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        JwfpdProcess j = new JwfpdProcess(dir, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (j.log().contains("listening on")) return j;
            if (!p.isAlive()) throw new IllegalStateException("jwfpd exited " + p.exitValue() + ":\n" + j.log());
            Thread.sleep(50);
        }
        j.kill();
        throw new IllegalStateException("jwfpd did not start within 30 s:\n" + j.log());
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** One request; fails on an error answer. */
    JsonNode call(String op, java.util.function.Consumer<ObjectNode> fill) throws IOException {
        try (ManagementClient c = ManagementClient.connect(socket)) {
            ObjectNode req = c.request(op);
            fill.accept(req);
            JsonNode r = c.call(req);
            if (!r.path("ok").asBoolean()) throw new IllegalStateException(op + " failed: " + r);
            return r;
        }
    }

    /** Adds a filter (policy-file form, e.g. {@code {name, layer, action, weight, conditions}}); returns its id. */
    long addFilter(String json) throws IOException {
        JsonNode spec = io.jwfp.daemon.mgmt.Protocol.JSON.readTree(json);
        return call("filter.add", r -> r.set("filter", spec)).path("filterId").asLong();
    }

    /** The net events logged so far. */
    List<JsonNode> events() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        call("events", r -> { }).path("events").forEach(out::add);
        return out;
    }

    /** jwfpd's live status. */
    JsonNode liveStatus() throws IOException {
        return call("status", r -> { }).path("status").path("live");
    }

    /** SIGTERM, then waits for the exit (jwfpd removes its rules on the way out). */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    /** SIGKILL: no cleanup runs, as after a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) kill();
    }
}
