package io.jwfp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every jwfp command, nested ones included, answers --help with its usage and at least one example. */
class HelpTest {
    @Test
    void everyCommandHasHelpWithAnExample() {
        List<List<String>> paths = new ArrayList<>();
        collect(Jwfp.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(15);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int rc = Jwfp.run(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
            String name = String.join(" ", path);
            assertThat(rc).as("jwfp %s --help: exit code (stderr: %s)", name, err).isZero();
            assertThat(out.toString()).as("jwfp %s --help", name)
                    .contains("Usage: jwfp" + (path.isEmpty() ? "" : " " + name))
                    .containsPattern("(?m)^Examples?:|Example: ");
        }
    }

    private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        String name = cl.getCommandName();
        if (name.equals("help")) return; // picocli's own help command
        out.add(List.copyOf(path));
        for (CommandLine sub : cl.getSubcommands().values()) {
            List<String> p = new ArrayList<>(path);
            p.add(sub.getCommandName());
            if (p.size() > path.size() && !out.contains(p)) collect(sub, p, out);
        }
    }
}
