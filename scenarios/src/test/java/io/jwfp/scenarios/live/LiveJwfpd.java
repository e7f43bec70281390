package io.jwfp.scenarios.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.daemon.live.JwfpdProcess;
import io.jwfp.daemon.mgmt.Protocol;
import io.jwfp.scenarios.support.JwfpCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real jwfpd for the samples' live scenarios ({@link JwfpdProcess}: a child process inside the namespace where the
 * sample runs), managed the way a user manages it: with the {@code jwfp} command line against its socket
 * ({@link #jwfp}). Net events, filters and status are read through the same commands' {@code --json} output, so the
 * scenarios exercise the command line too.
 */
public final class LiveJwfpd extends JwfpdProcess {
    private LiveJwfpd(String namespace, Path dir, Process process) {
        super(namespace, dir, process);
    }

    /**
     * Starts jwfpd in namespace {@code ns} with {@code policy} (null: none; persistent objects in {@code dir}'s state
     * directory are restored either way), and waits until it serves its socket.
     */
    public static LiveJwfpd start(String ns, Path dir, Path policy, String... extra) throws Exception {
        return awaitListening(new LiveJwfpd(ns, dir, launch(ns, dir, policy, extra)));
    }

    /** {@link #start} with a policy given as YAML text, written to {@code dir/policy.yaml}. */
    public static LiveJwfpd startWithPolicy(String ns, Path dir, String policyYaml, String... extra) throws Exception {
        return start(ns, dir, writePolicy(dir, policyYaml), extra);
    }

    /** {@code jwfp ARGS} against this jwfpd, as a user types it. */
    public JwfpCli.Run jwfp(String... args) {
        return JwfpCli.run(socket(), args);
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
    @Override
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
    @Override
    public long filterId(String name) {
        for (JsonNode f : json(ok("filter", "list", "--json"))) {
            if (f.path("name").asText().equals(name)) return f.path("filterId").asLong();
        }
        throw new AssertionError("no filter " + name);
    }

    /** {@code jwfp status --json}. */
    @Override
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
}
