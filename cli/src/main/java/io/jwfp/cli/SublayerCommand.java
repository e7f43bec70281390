package io.jwfp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jwfp sublayer add|delete|list}. */
@Command(name = "sublayer", footer = {"", "Examples:", "  jwfp sublayer list", "  jwfp sublayer add acme --weight 0x9000"}, description = "Add, delete and list sublayers.",
        subcommands = {SublayerCommand.Add.class, SublayerCommand.Delete.class, SublayerCommand.ListSublayers.class})
final class SublayerCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", footer = {"", "Example:", "  jwfp sublayer add acme --weight 0x9000 --persistent"}, description = "Add a sublayer (FwpmSubLayerAdd0).")
    static final class Add implements Runnable {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--weight", required = true, description = "UINT16 weight, e.g. 0x8000; higher is evaluated first.")
        String weight;

        @Option(names = "--key", description = "GUID (default: derived from the name).")
        String key;

        @Option(names = "--persistent", description = "Keep it across jwfpd restarts.")
        boolean persistent;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            int w;
            try {
                w = Integer.decode(weight);
            } catch (NumberFormatException e) {
                throw new Jwfp.UserException("--weight " + weight + ": not an integer");
            }
            remote.with(c -> {
                ObjectNode req = c.request("sublayer.add");
                req.put("name", name);
                req.put("weight", w);
                if (key != null) req.put("key", key);
                req.put("persistent", persistent);
                JsonNode r = Remote.call(c, req);
                spec.commandLine().getOut().println("added sublayer " + name + " {" + r.path("subLayerKey").asText() + "}");
            });
        }
    }

    @Command(name = "delete", footer = {"", "Example:", "  jwfp sublayer delete acme"}, description = "Delete a sublayer (it must hold no filters).")
    static final class Delete implements Runnable {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "NAME|KEY")
        String which;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            remote.with(c -> {
                ObjectNode req = c.request("sublayer.delete");
                req.put("sublayer", which);
                Remote.call(c, req);
                spec.commandLine().getOut().println("deleted sublayer " + which);
            });
        }
    }

    @Command(name = "list", footer = {"", "Example:", "  jwfp sublayer list"}, description = "List sublayers, built-in ones included.")
    static final class ListSublayers implements Runnable {
        @Mixin
        Remote remote;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            remote.with(c -> {
                JsonNode subs = Remote.call(c, c.request("sublayer.list")).path("sublayers");
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(subs.toPrettyString());
                    return;
                }
                for (JsonNode s : subs) {
                    out.printf("0x%04x  %-36s  %s%n", s.path("weight").asInt(), s.path("subLayerKey").asText(), s.path("name").asText());
                }
            });
        }
    }
}
