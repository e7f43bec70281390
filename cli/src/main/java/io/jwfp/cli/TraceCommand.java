package io.jwfp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.netevent.NetEvent;
import io.jwfp.bfe.persist.ObjectJson;
import io.jwfp.engine.layer.IpVersion;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyParser;
import io.jwfp.shim.sim.SimHost;
import io.jwfp.shim.sim.SimInterface;
import io.jwfp.shim.sim.scenario.Scenarios;
import io.jwfp.shim.sim.trace.Classification;
import io.jwfp.shim.sim.trace.TraceEntry;
import io.jwfp.shim.sim.trace.TraceSvg;
import io.jwfp.shim.sim.trace.TraceText;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jwfp trace}: runs a scenario in the simulated network and prints every classification in order, per host.
 */
@Command(name = "trace", footer = {"", "Examples:", "  jwfp trace tcp", "  jwfp trace tcp --ipv6 --svg handshake.svg", "  jwfp trace tcp-closed-port --json", "  jwfp trace tcp --policy client=examples/policies/samples/block-all-outbound.yaml"}, description = {
        "Run a scenario in the simulated network and print every classification in order: host, event, layer,",
        "direction, action and deciding filter, one section per host (the server first, as in the seed).",
        "Scenarios: tcp, tcp-data, tcp-closed-port, udp, udp-closed-port, icmp-echo, loopback-tcp, forward.",
        "--policy FILE applies a policy to every host; --policy HOST=FILE to one host (repeatable).",
        "Exit code 0 on success, 2 on bad input."})
final class TraceCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "SCENARIO", description = "The scenario.")
    String scenario;

    @Option(names = "--policy", paramLabel = "[HOST=]FILE", description = "A policy for every host, or for HOST (repeatable).")
    List<String> policies = new ArrayList<>();

    @Option(names = "--ipv6", description = "Run the scenario over IPv6.")
    boolean ipv6;

    @Option(names = "--json", description = "Print a JSON array of the classifications.")
    boolean json;

    @Option(names = "--svg", paramLabel = "FILE", description = "Also draw the sequence as SVG into FILE.")
    Path svg;

    @Option(names = "--mac", description = "Show the MAC frame layers too (hidden by default: the seed's lists predate them).")
    boolean mac;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (!Scenarios.names().contains(scenario)) {
            throw new Jwfp.UserException("unknown scenario '" + scenario + "' (expected one of "
                    + String.join(", ", Scenarios.names()) + ")");
        }
        Map<String, List<Policy>> perHost = new LinkedHashMap<>();
        List<Policy> everywhere = new ArrayList<>();
        for (String p : policies) {
            int eq = p.indexOf('=');
            if (eq > 0 && !Files.exists(Path.of(p))) {
                perHost.computeIfAbsent(p.substring(0, eq), k -> new ArrayList<>()).add(PolicyParser.parse(Path.of(p.substring(eq + 1))));
            } else {
                everywhere.add(PolicyParser.parse(Path.of(p)));
            }
        }
        IpVersion v = ipv6 ? IpVersion.V6 : IpVersion.V4;
        Scenarios.Run run = Scenarios.run(scenario, v, (name, host) -> {
            for (Policy p : everywhere) host.applyPolicy(p);
            for (Policy p : perHost.getOrDefault(name, List.of())) host.applyPolicy(p);
        });
        for (String h : perHost.keySet()) {
            if (!run.hosts().contains(h)) {
                throw new Jwfp.UserException("--policy " + h + "=...: scenario '" + scenario + "' has no host '" + h
                        + "' (hosts: " + String.join(", ", run.hosts()) + ")");
            }
        }
        List<Classification> shown = TraceText.select(run.network().trace().classifications(), mac);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(shown).toPrettyString());
        } else {
            out.printf("jwfp trace %s (%s): %s%n", scenario, ipv6 ? "IPv6" : "IPv4", run.outcome());
            out.println(mac ? "# is the position of the classification in the whole run."
                    : "# is the position of the classification in the whole run; MAC frame layers are hidden (--mac).");
            out.println();
            out.print(TraceText.render(shown, run.hosts(), labels(run)));
            out.println();
            printNetEvents(out, run);
        }
        if (svg != null) {
            List<TraceEntry> entries = new ArrayList<>();
            for (TraceEntry e : run.network().trace().entries()) {
                if (e instanceof Classification c && !mac && c.isMacLayer()) continue;
                entries.add(e);
            }
            String doc = TraceSvg.render(entries, columns(run.hosts()),
                    "jwfp trace " + scenario + (ipv6 ? " --ipv6" : "") + ": " + run.outcome());
            try {
                Files.writeString(svg, doc, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + svg + ": " + e.getMessage(), e);
            }
            long arrows = run.network().trace().transmissions().stream().filter(t -> !t.arp()).count();
            spec.commandLine().getErr().println("jwfp: wrote " + svg + " (" + arrows + " packets)");
        }
        out.flush();
    }

    /** Columns left to right: client, router, server (the seed's picture); loopback has one host. */
    static List<String> columns(List<String> hosts) {
        List<String> cols = new ArrayList<>();
        for (String h : List.of("client", "router", "server")) if (hosts.contains(h)) cols.add(h);
        for (String h : hosts) if (!cols.contains(h)) cols.add(h);
        return cols;
    }

    private static Map<String, String> labels(Scenarios.Run run) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String h : run.hosts()) {
            SimHost host = run.network().host(h);
            StringBuilder sb = new StringBuilder(h);
            for (SimInterface i : host.interfaces()) {
                if (i.isLoopback() && host.interfaces().size() > 1) continue;
                for (SimInterface.Address a : i.addresses()) {
                    boolean v6 = a.address().getAddress().length == 16;
                    if (v6 == (run.version() == IpVersion.V6)) sb.append(' ').append(Scenarios.text(a.address()));
                }
            }
            m.put(h, sb.toString());
        }
        return m;
    }

    private static void printNetEvents(PrintWriter out, Scenarios.Run run) {
        boolean any = false;
        for (String h : run.hosts()) {
            for (NetEvent e : run.network().host(h).bfe().netEvents().since(0)) {
                if (!any) out.println("net events:");
                any = true;
                out.println("  " + h + ": " + e.describe().substring(e.describe().indexOf(' ') + 1));
            }
        }
        if (!any) out.println("net events: none");
    }

    private static ArrayNode toJson(List<Classification> shown) {
        ArrayNode a = ObjectJson.MAPPER.createArrayNode();
        int n = 0;
        for (Classification c : shown) {
            ObjectNode o = a.addObject();
            o.put("seq", ++n);
            o.put("timeMicros", c.timeNanos() / 1000);
            o.put("host", c.host());
            o.put("event", c.event());
            o.put("layer", c.layer().name());
            o.put("layerId", c.layer().layerId());
            o.put("direction", c.direction().label());
            o.put("action", c.action().name());
            o.put("filterId", c.filterId());
            if (c.filterName() == null) o.putNull("filterName");
            else o.put("filterName", c.filterName());
            o.put("absorbed", c.absorbed());
            o.put("reauthorize", c.reauthorize());
            o.put("injected", c.injected());
            o.put("loopback", c.loopback());
            o.put("packetId", c.packetId());
            if (c.summary() != null) o.put("summary", c.summary());
        }
        return a;
    }
}
