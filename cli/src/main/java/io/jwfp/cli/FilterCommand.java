package io.jwfp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.daemon.mgmt.ManagementClient;
import io.jwfp.daemon.mgmt.Protocol;
import io.jwfp.engine.layer.Layer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jwfp filter add|delete|list}. */
@Command(name = "filter", footer = {"", "Examples:", "  jwfp filter list", "  jwfp filter add --name no-80 --layer ALE_AUTH_CONNECT_V4 --condition IP_REMOTE_PORT=80 --action BLOCK", "  jwfp filter delete 7"}, description = "Add, delete and list jwfpd's filters.",
        subcommands = {FilterCommand.Add.class, FilterCommand.Delete.class, FilterCommand.ListFilters.class})
final class FilterCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", description = {"Add one filter (FwpmFilterAdd0).",
            "Example: jwfp filter add --name no-80 --layer ALE_AUTH_CONNECT_V4 --condition IP_REMOTE_PORT=80 --action BLOCK"})
    static final class Add implements Runnable {
        @Mixin
        Remote remote;

        @Option(names = "--name", required = true, description = "Display name.")
        String name;

        @Option(names = "--layer", required = true, description = "The layer (FWPM_LAYER_ prefix optional).")
        String layer;

        @Option(names = "--sublayer", description = "Sublayer name or key (default: FWPM_SUBLAYER_UNIVERSAL).")
        String sublayer;

        @Option(names = "--weight", defaultValue = "auto", description = "auto, uint8:N (0-15) or uint64:N (default: auto).")
        String weight;

        @Option(names = "--condition", paramLabel = "FIELD[/MATCH]=VALUE",
                description = "A condition, e.g. IP_REMOTE_PORT=80 or IP_REMOTE_PORT/FWP_MATCH_RANGE=1000-2000 (repeatable).")
        List<String> conditions = new ArrayList<>();

        @Option(names = "--action", required = true, description = "PERMIT, BLOCK, CALLOUT_TERMINATING, CALLOUT_INSPECTION or CALLOUT_UNKNOWN.")
        String action;

        @Option(names = "--callout", description = "The callout (name or key) for callout actions.")
        String callout;

        @Option(names = "--flag", description = "A filter flag, e.g. FWPM_FILTER_FLAG_CLEAR_ACTION_RIGHT (repeatable).")
        List<String> flags = new ArrayList<>();

        @Option(names = "--dynamic", description = "Add in a dynamic session and stay attached: the filter vanishes when this command ends.")
        boolean dynamic;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            ObjectNode f = Protocol.JSON.createObjectNode();
            f.put("name", name);
            f.put("layer", layer);
            if (sublayer != null) f.put("sublayer", sublayer);
            if (weight.equals("auto")) f.put("weight", "auto");
            else {
                String[] p = weight.split(":", 2);
                if (p.length != 2 || !(p[0].equals("uint8") || p[0].equals("uint64"))) {
                    throw new Jwfp.UserException("--weight " + weight + ": expected auto, uint8:N (0-15) or uint64:N");
                }
                f.putObject("weight").put(p[0], p[1]);
            }
            ArrayNode cs = f.putArray("conditions");
            for (String c : conditions) {
                int eq = c.indexOf('=');
                if (eq <= 0) throw new Jwfp.UserException("--condition " + c + ": expected FIELD[/MATCH]=VALUE");
                String lhs = c.substring(0, eq);
                ObjectNode cn = cs.addObject();
                int slash = lhs.indexOf('/');
                cn.put("field", slash < 0 ? lhs : lhs.substring(0, slash));
                if (slash >= 0) cn.put("match", lhs.substring(slash + 1));
                cn.put("value", c.substring(eq + 1));
            }
            f.put("action", action);
            if (callout != null) f.put("callout", callout);
            if (!flags.isEmpty()) {
                ArrayNode fl = f.putArray("flags");
                flags.forEach(fl::add);
            }
            ManagementClient c = dynamic ? remote.connectDynamic("jwfp filter add --dynamic") : remote.connect();
            try {
                ObjectNode req = c.request("filter.add");
                req.set("filter", f);
                JsonNode r = Remote.call(c, req);
                PrintWriter out = spec.commandLine().getOut();
                out.printf("added filter %d (%s)%n", r.path("filterId").asLong(), r.path("filter").path("filterKey").asText());
                out.flush();
                if (dynamic) Remote.hold(c, out);
            } finally {
                if (!dynamic) closeQuietly(c);
            }
        }
    }

    @Command(name = "delete", footer = {"", "Examples:", "  jwfp filter delete 7", "  jwfp filter delete {4a2bd1f6-8e4b-4d3a-9a5e-0c2b8f1e7d10}"}, description = "Delete a filter by run-time id or key.")
    static final class Delete implements Runnable {
        @Mixin
        Remote remote;

        @Parameters(paramLabel = "ID|KEY")
        String which;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            remote.with(c -> {
                ObjectNode req = c.request("filter.delete");
                if (which.chars().allMatch(Character::isDigit)) req.put("filterId", Long.parseLong(which));
                else req.put("filterKey", which);
                Remote.call(c, req);
                spec.commandLine().getOut().println("deleted filter " + which);
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = {"List filters, optionally of one layer, sublayer or provider, with their hit counters:",
            "DECIDED counts the classifications a filter decided, MATCHED those in which arbitration reached it with",
            "matching conditions (decided included); both since jwfpd started. jwfp explain counts nothing.",
            "Example: jwfp filter list --layer ALE_AUTH_RECV_ACCEPT_V4"})
    static final class ListFilters implements Runnable {
        @Mixin
        Remote remote;

        @Option(names = "--layer")
        String layer;

        @Option(names = "--sublayer", description = "Sublayer name or key.")
        String sublayer;

        @Option(names = "--provider", description = "Provider name or key.")
        String provider;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            if (layer != null && Layer.byName(layer) == null) {
                throw new Jwfp.UserException("unknown layer '" + layer + "' (run `jwfp layers` for the list)");
            }
            remote.with(c -> {
                ObjectNode req = c.request("filter.list");
                if (layer != null) req.put("layer", layer);
                if (sublayer != null) req.put("sublayer", sublayer);
                if (provider != null) req.put("provider", provider);
                JsonNode filters = Remote.call(c, req).path("filters");
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(filters.toPrettyString());
                    return;
                }
                int nameWidth = 24; // as wide as the longest name, so the columns stay aligned
                for (JsonNode f : filters) nameWidth = Math.max(nameWidth, f.path("name").asText().length());
                String row = "%-6s %-" + nameWidth + "s %-40s %-30s %-18s %9s %9s %s%n";
                out.printf(row, "ID", "NAME", "LAYER", "ACTION", "WEIGHT", "DECIDED", "MATCHED", "CONDITIONS");
                for (JsonNode f : filters) {
                    StringBuilder conds = new StringBuilder();
                    for (JsonNode cn : f.path("filterCondition")) {
                        if (conds.length() > 0) conds.append(", ");
                        conds.append(cn.path("fieldKey").asText().replace("FWPM_CONDITION_", "")).append(' ')
                                .append(cn.path("matchType").asText().replace("FWP_MATCH_", "")).append(' ')
                                .append(value(cn.path("conditionValue")));
                    }
                    JsonNode hits = f.path("hits");
                    out.printf(row, f.path("filterId").asText(), f.path("name").asText(),
                            f.path("layerKey").asText(), f.path("action").path("type").asText(),
                            String.format("0x%016x", Long.parseUnsignedLong(f.path("effectiveWeight").asText("0"))),
                            hits.isMissingNode() ? "-" : hits.path("decided").asText(),
                            hits.isMissingNode() ? "-" : hits.path("matched").asText(), conds);
                }
            });
        }

        private static String value(JsonNode v) {
            try {
                return io.jwfp.bfe.persist.ObjectJson.value(v).toString();
            } catch (RuntimeException e) {
                return v.toString();
            }
        }
    }

    static void closeQuietly(ManagementClient c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // done
        }
    }
}
