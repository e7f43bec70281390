package io.jwfp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jwfp events [--follow] [--json]}: the net-event log. */
@Command(name = "events", description = {"Show net events (classify drops, and allows if jwfpd logs them).",
        "With --json: one object per line, field names as docs/events.md lists them (a stable contract).",
        "Example: jwfp events --follow --json | jq -c 'select(.filterName == \"no-80\")'"})
final class EventsCommand implements Runnable {
    @Mixin
    Remote remote;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted.")
    boolean follow;

    @Option(names = "--json", description = "One JSON object per line (docs/events.md); flushed line by line with --follow.")
    boolean json;

    @Option(names = "--since", paramLabel = "SEQ", defaultValue = "0", description = "Only events after this sequence number.")
    long since;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        remote.with(c -> {
            ObjectNode req = c.request("events");
            req.put("since", since);
            req.put("follow", follow);
            if (!follow) {
                for (JsonNode e : Remote.call(c, req).path("events")) print(out, e);
                return;
            }
            c.stream(req, line -> {
                // The answer (backlog, end, error) carries "ok"; the lines streamed in between carry one "event" each.
                if (!line.has("event")) Remote.check(line);
                if (line.has("events")) for (JsonNode e : line.get("events")) print(out, e);
                if (line.has("event")) print(out, line.get("event"));
            });
        });
    }

    private void print(PrintWriter out, JsonNode e) {
        if (json) {
            out.println(e.toString());
        } else {
            String proto = e.path("ipProtocol").asInt(-1) < 0 ? "?" : io.jwfp.engine.value.Values.protocolName(e.path("ipProtocol").asInt());
            out.printf("%s %-5s %s filter %d%s %s %s %s -> %s%s%s%n", e.path("timeStamp").asText(),
                    e.path("type").asText().endsWith("DROP") ? "DROP" : "ALLOW", e.path("layer").asText(),
                    e.path("filterId").asLong(), e.has("filterName") ? " (" + e.path("filterName").asText() + ")" : "",
                    e.path("direction").asText().replace("FWP_DIRECTION_", "").toLowerCase(), proto,
                    endpoint(e, "localAddr", "localPort"), endpoint(e, "remoteAddr", "remotePort"),
                    e.has("appId") ? " app=" + e.path("appId").asText() : "",
                    e.path("userId").asLong(-1) >= 0 ? " uid=" + e.path("userId").asLong() : "");
        }
        out.flush();
    }

    private static String endpoint(JsonNode e, String addr, String port) {
        String a = e.path(addr).asText("?");
        if (a.indexOf(':') >= 0) a = "[" + a + "]";
        int p = e.path(port).asInt(-1);
        return p < 0 ? a : a + ":" + p;
    }
}
