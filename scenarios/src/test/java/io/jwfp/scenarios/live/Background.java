package io.jwfp.scenarios.live;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program running in a network namespace while a scenario goes on (a server, a client session, tcpdump): {@code ip
 * netns exec NS CMD}, which execs the program itself, so the process this class holds is the program and {@link
 * #close} ends exactly it. Its output (stdout and stderr) goes to a file the test reads while it runs. The one helper
 * the live scenarios start programs with ({@link LiveApps}, {@link LiveBed}, {@link Capture} build on it). Not
 * thread-safe.
 */
public final class Background implements AutoCloseable {
    private final Process process;
    private final Path output;
    private final String what;

    private Background(Process process, Path output, String what) {
        this.process = process;
        this.output = output;
        this.what = what;
    }

    /** Starts {@code cmd} in namespace {@code ns} with no input; its output goes to {@code dir/NAME.out}. */
    public static Background start(String ns, Path dir, String name, String... cmd) throws IOException {
        Background b = startWithInput(ns, dir, name, cmd);
        b.process.getOutputStream().close();
        return b;
    }

    /** Starts {@code cmd} in namespace {@code ns} and keeps its standard input open ({@link #stdin}). */
    public static Background startWithInput(String ns, Path dir, String name, String... cmd) throws IOException {
        Files.createDirectories(dir);
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(cmd));
        Path out = dir.resolve(name + ".out");
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        return new Background(p, out, String.join(" ", full));
    }

    /** What the program printed so far. */
    public String output() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The printed lines that start with {@code prefix}. */
    public List<String> lines(String prefix) {
        return output().lines().filter(l -> l.startsWith(prefix)).toList();
    }

    /** Waits up to 10 s until the program printed {@code text}; fails with its output if it exits or never does. */
    public Background await(String text) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (output().contains(text)) return this;
            if (!process.isAlive()) break;
            Thread.sleep(50);
        }
        throw new AssertionError("'" + what + "' did not print '" + text + "'" + (process.isAlive() ? "" : " (exited)")
                + ":\n" + output());
    }

    /** The program's standard input (only for {@link #startWithInput}). */
    public Writer stdin() {
        return new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, and the exit (SIGKILL after 5 s). */
    @Override
    public void close() throws InterruptedException {
        if (!process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
