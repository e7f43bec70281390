package io.jwfp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jwfp status}: what jwfpd is doing. */
@Command(name = "status", footer = {"", "Examples:", "  jwfp status", "  jwfp status --json --socket /run/jwfp/jwfpd.sock"}, description = "Show jwfpd's state: filters per layer, sessions, queues, netfilter wiring.")
final class StatusCommand implements Runnable {
    @Mixin
    Remote remote;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        remote.with(c -> {
            JsonNode s = Remote.call(c, c.request("status")).get("status");
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(s.toPrettyString());
                return;
            }
            out.printf("jwfpd pid %d, up %ds, %d filters, %d sessions, %d net events, fail-%s%n", s.path("pid").asLong(),
                    s.path("uptimeSeconds").asLong(), s.path("filters").asInt(), s.path("sessions").asInt(),
                    s.path("netEvents").asLong(), s.path("failMode").asText());
            for (Map.Entry<String, JsonNode> e : s.path("filtersByLayer").properties()) {
                out.printf("  %-50s %d%n", e.getKey(), e.getValue().asInt());
            }
            JsonNode live = s.path("live");
            out.println("live: " + (live.isTextual() ? live.asText() : live.toPrettyString()));
        });
    }
}
