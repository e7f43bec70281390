package io.jwfp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jwfp callout list|control}: jwfpd's callout objects, and run-time control of their implementations. */
@Command(name = "callout", footer = {"", "Examples:", "  jwfp callout list", "  jwfp callout control port-blocker add-rule port=80"}, description = "List jwfpd's callouts, or send one a control command.",
        subcommands = {CalloutCommand.ListCallouts.class, CalloutCommand.Control.class})
final class CalloutCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", footer = {"", "Example:", "  jwfp callout list"}, description = "List callout objects (FWPM_CALLOUT_FLAG_REGISTERED shows which have code behind them).")
    static final class ListCallouts implements Runnable {
        @Mixin
        Remote remote;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            remote.with(c -> {
                JsonNode cs = Remote.call(c, c.request("callout.list")).path("callouts");
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(cs.toPrettyString());
                    return;
                }
                for (JsonNode co : cs) {
                    boolean registered = (co.path("flags").asInt() & 0x00040000) != 0;
                    out.printf("%-4d %-24s %-42s %s %s%n", co.path("calloutId").asInt(), co.path("name").asText(),
                            co.path("applicableLayer").asText(), co.path("calloutKey").asText(),
                            registered ? "registered" : "NOT REGISTERED");
                }
            });
        }
    }

    @Command(name = "control", footer = {"", "Examples:", "  jwfp callout control port-blocker add-rule port=80", "  jwfp callout control port-blocker list-rules"}, description = {"Send a control command to a registered callout, e.g.",
            "jwfp callout control port-blocker add-rule port=80"})
    static final class Control implements Runnable {
        @Mixin
        Remote remote;

        @Parameters(index = "0", paramLabel = "CALLOUT", description = "Callout name or key.")
        String callout;

        @Parameters(index = "1", paramLabel = "COMMAND")
        String command;

        @Parameters(index = "2..*", paramLabel = "KEY=VALUE", description = "Arguments.")
        List<String> arguments = new ArrayList<>();

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            remote.with(c -> {
                ObjectNode req = c.request("callout.control");
                req.put("callout", callout);
                req.put("command", command);
                ObjectNode args = req.putObject("arguments");
                for (String a : arguments) {
                    int eq = a.indexOf('=');
                    if (eq <= 0) throw new Jwfp.UserException("argument " + a + ": expected KEY=VALUE");
                    args.put(a.substring(0, eq), a.substring(eq + 1));
                }
                JsonNode r = Remote.call(c, req).path("result");
                spec.commandLine().getOut().println(r.isTextual() ? r.asText() : r.toPrettyString());
            });
        }
    }
}
