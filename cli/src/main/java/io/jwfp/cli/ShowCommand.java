package io.jwfp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmFilterEnumTemplate;
import io.jwfp.bfe.FwpmObjectEnumTemplate;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.bfe.persist.ObjectJson;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.netsh.NetshDump;
import io.jwfp.engine.netsh.NetshNames;
import io.jwfp.engine.netsh.NetshWriter;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.policy.netsh.NetshImport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jwfp show filters|state}: the filter set of jwfpd (or of a policy file or netsh dump) the way
 * {@code netsh wfp show filters} / {@code show state} show it: as netsh's XML ({@code --xml}, readable by
 * {@code jwfp import}), as JSON, or as a table in arbitration order.
 */
@Command(name = "show", mixinStandardHelpOptions = true, description = {
        "Show the filters or the whole state like `netsh wfp show filters` / `netsh wfp show state`.",
        "Default: a table per layer in arbitration order (sublayer weight, then effective weight, highest first).",
        "--xml writes netsh's element structure (wfpdiag / wfpstate), which `jwfp import` reads back.",
        "Without --policy the objects come from jwfpd.",
        "",
        "Examples:",
        "  jwfp show filters",
        "  jwfp show filters --policy windows-filters.xml --layer ALE_AUTH_RECV_ACCEPT_V4",
        "  jwfp show state --xml --policy policy.yaml > wfpstate.xml",
        "  jwfp show filters --json"})
final class ShowCommand implements Runnable {
    enum What { filters, state }

    @Mixin
    Remote remote;

    @Parameters(paramLabel = "filters|state", description = "What to show: filters, or state (layers with their fields, callouts and filters; sublayers; providers).")
    What what;

    @Option(names = "--xml", description = "Write netsh's XML (wfpdiag for filters, wfpstate for state).")
    boolean xml;

    @Option(names = "--json", description = "Write JSON.")
    boolean json;

    @Option(names = "--policy", paramLabel = "FILE", description = "Show the objects of a policy file (YAML) or netsh dump (XML) instead of jwfpd's.")
    Path policy;

    @Option(names = "--layer", paramLabel = "LAYER", description = "Only this layer (e.g. ALE_AUTH_CONNECT_V4 or FWPM_LAYER_ALE_AUTH_CONNECT_V4).")
    String layer;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The objects shown, and per filter id jwfpd's hit counters when it reports them. */
    record Snapshot(List<FwpmProvider> providers, List<FwpmSubLayer> sublayers, List<FwpmCallout> callouts,
                    List<FwpmFilter> filters, Map<Long, JsonNode> hits, List<NetshDump.Session> sessions) {}

    @Override
    public void run() {
        if (xml && json) throw new Jwfp.UserException("give --xml or --json, not both");
        Layer only = null;
        if (layer != null) {
            only = Layer.byName(layer.toUpperCase(java.util.Locale.ROOT).startsWith("FWPM_LAYER_") ? layer : "FWPM_LAYER_" + layer);
            if (only == null) throw new Jwfp.UserException("unknown layer '" + layer + "' (run `jwfp layers` for the list)");
        }
        Snapshot s = policy != null ? fromPolicy(policy, spec.commandLine().getErr()) : fromDaemon();
        if (only != null) {
            Layer l = only;
            s = new Snapshot(s.providers(), s.sublayers(), s.callouts().stream().filter(c -> c.applicableLayer() == l).toList(),
                    s.filters().stream().filter(f -> f.layerKey() == l).toList(), s.hits(), s.sessions());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (xml) out.print(NetshWriter.write(dump(s, what, only)));
        else if (json) out.println(json(s, what, only).toPrettyString());
        else if (what == What.filters) filterTable(out, s);
        else stateTable(out, s, only);
        out.flush();
    }

    /** The objects a policy file or netsh dump adds to an empty engine (with the weights the engine computes). */
    static Snapshot fromPolicy(Path file, PrintWriter err) {
        NetshImport.Result r = PolicySource.load(file, err);
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory();
             FwpmEngine engine = bfe.openSession(FwpmSession.named("jwfp show"))) {
            PolicyApplier.apply(r.policy(), engine, PolicyApplier.Mode.ADD);
            return new Snapshot(engine.providerEnum(FwpmObjectEnumTemplate.ALL), engine.subLayerEnum(FwpmObjectEnumTemplate.ALL),
                    engine.calloutEnum(FwpmObjectEnumTemplate.ALL), engine.filterEnum(FwpmFilterEnumTemplate.ALL), Map.of(),
                    List.of()); // a file has no sessions
        }
    }

    private Snapshot fromDaemon() {
        List<FwpmProvider> providers = new ArrayList<>();
        List<FwpmSubLayer> sublayers = new ArrayList<>();
        List<FwpmCallout> callouts = new ArrayList<>();
        List<FwpmFilter> filters = new ArrayList<>();
        Map<Long, JsonNode> hits = new HashMap<>();
        List<NetshDump.Session> sessions = new ArrayList<>();
        remote.with(c -> {
            for (JsonNode n : Remote.call(c, c.request("provider.list")).path("providers")) providers.add(ObjectJson.provider(n));
            for (JsonNode n : Remote.call(c, c.request("sublayer.list")).path("sublayers")) sublayers.add(ObjectJson.subLayer(n));
            for (JsonNode n : Remote.call(c, c.request("callout.list")).path("callouts")) callouts.add(ObjectJson.callout(n));
            for (JsonNode n : Remote.call(c, c.request("filter.list")).path("filters")) {
                FwpmFilter f = ObjectJson.filter(n);
                filters.add(f);
                if (n.has("hits")) hits.put(f.filterId(), n.get("hits"));
            }
            // Last: this command's own session is open by now and is listed too, as netsh lists its own.
            for (JsonNode n : Remote.call(c, c.request("session.list")).path("sessions")) sessions.add(session(n));
        });
        return new Snapshot(providers, sublayers, callouts, filters, hits, sessions);
    }

    /**
     * One of jwfpd's sessions in netsh's form. A Linux client has a uid, not a Windows SID: it is written as the SID
     * Samba and Windows' NFS client give a Unix user, S-1-22-1-UID.
     */
    static NetshDump.Session session(JsonNode n) {
        List<String> flags = n.path("dynamic").asBoolean() ? List.of("FWPM_SESSION_FLAG_DYNAMIC") : List.of();
        int uid = n.path("uid").asInt(-1);
        return new NetshDump.Session("{" + n.path("sessionKey").asText() + "}", n.path("name").asText(""),
                n.path("description").asText(""), flags, n.path("txnWaitTimeoutInMSec").asLong(),
                n.path("processId").asLong(), uid < 0 ? "" : "S-1-22-1-" + uid, n.path("username").asText(""), false);
    }

    /** Filters in arbitration order: by layer, sublayer weight (highest first), effective weight (highest first). */
    static List<FwpmFilter> arbitrationOrder(Snapshot s) {
        Map<UUID, Integer> sw = new HashMap<>();
        for (FwpmSubLayer sl : s.sublayers()) sw.put(sl.subLayerKey(), sl.weight());
        List<FwpmFilter> out = new ArrayList<>(s.filters());
        out.sort(Comparator.comparing((FwpmFilter f) -> f.layerKey().layerId())
                .thenComparing(f -> -sw.getOrDefault(f.subLayerKey(), 0))
                .thenComparing((a, b) -> Long.compareUnsigned(b.effectiveWeight(), a.effectiveWeight()))
                .thenComparingLong(FwpmFilter::filterId));
        return out;
    }

    /** The snapshot in netsh's structure. Only jwfp's layers are listed in a state dump; sessions only from jwfpd. */
    static NetshDump dump(Snapshot s, What what, Layer only) {
        List<NetshDump.Filter> filters = new ArrayList<>();
        for (FwpmFilter f : arbitrationOrder(s)) filters.add(NetshWriter.filter(f));
        List<NetshDump.Provider> providers = s.providers().stream().map(NetshWriter::provider).toList();
        if (what == What.filters) {
            return new NetshDump(NetshDump.Kind.FILTERS, null, null, List.of(), List.of(), providers, List.of(), List.of(),
                    List.of(), filters);
        }
        List<NetshDump.LayerEntry> layers = new ArrayList<>();
        for (Layer l : Layer.values()) if (only == null || l == only) layers.add(NetshWriter.layer(l));
        return new NetshDump(NetshDump.Kind.STATE, null, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                s.sessions(), layers, providers, List.of(), s.sublayers().stream().map(NetshWriter::subLayer).toList(),
                s.callouts().stream().map(NetshWriter::callout).toList(), filters);
    }

    private static ObjectNode json(Snapshot s, What what, Layer only) {
        ObjectNode root = ObjectJson.MAPPER.createObjectNode();
        ArrayNode fs = ObjectJson.MAPPER.createArrayNode();
        for (FwpmFilter f : arbitrationOrder(s)) {
            ObjectNode n = ObjectJson.filter(f);
            JsonNode h = s.hits().get(f.filterId());
            if (h != null) n.set("hits", h);
            fs.add(n);
        }
        if (what == What.filters) {
            root.set("filters", fs);
        } else {
            ArrayNode ls = root.putArray("layers");
            for (Layer l : Layer.values()) {
                if (only != null && l != only) continue;
                ObjectNode ln = ls.addObject();
                ln.put("layerKey", l.name());
                ln.put("layerId", l.layerId());
                ln.put("fields", l.fieldCount());
                ArrayNode cs = ln.putArray("callouts");
                for (FwpmCallout c : s.callouts()) if (c.applicableLayer() == l) cs.add(ObjectJson.callout(c));
                ArrayNode lf = ln.putArray("filters");
                for (JsonNode f : fs) if (f.path("layerKey").asText().equals(l.name())) lf.add(f);
            }
            ArrayNode sl = root.putArray("subLayers");
            for (FwpmSubLayer x : s.sublayers()) sl.add(ObjectJson.subLayer(x));
            ArrayNode ss = root.putArray("sessions");
            for (NetshDump.Session x : s.sessions()) {
                ss.addObject().put("sessionKey", x.sessionKey()).put("name", x.name()).put("dynamic", !x.flags().isEmpty())
                        .put("processId", x.processId()).put("sid", x.sid()).put("username", x.username());
            }
        }
        ArrayNode ps = root.putArray("providers");
        for (FwpmProvider p : s.providers()) ps.add(ObjectJson.provider(p));
        return root;
    }

    static void filterTable(PrintWriter out, Snapshot s) {
        Map<UUID, FwpmSubLayer> subs = new HashMap<>();
        for (FwpmSubLayer sl : s.sublayers()) subs.put(sl.subLayerKey(), sl);
        boolean hits = !s.hits().isEmpty();
        Layer current = null;
        int shown = 0;
        for (FwpmFilter f : arbitrationOrder(s)) {
            if (f.layerKey() != current) {
                current = f.layerKey();
                out.printf("%n%s (layer %d)%n", current.name(), current.layerId());
                out.printf("  %-7s %-26s %-18s %-33s %s%s  %s%n", "ID", "SUBLAYER (WEIGHT)", "EFFECTIVE WEIGHT", "ACTION",
                        hits ? String.format("%-15s ", "HITS DEC/MATCH") : "", "NAME", "CONDITIONS");
            }
            FwpmSubLayer sl = subs.get(f.subLayerKey());
            String sub = sl == null ? String.valueOf(f.subLayerKey()) : shortSub(sl) + String.format(" (%d)", sl.weight());
            // An imported filter with an unevaluable condition is disabled on purpose: say that it never matches.
            boolean disabled = (f.flags() & FilterFlags.FWPM_FILTER_FLAG_DISABLED) != 0;
            String desc = f.displayData().description();
            String action = f.action().type().name().replace("FWP_ACTION_", "") + (!disabled ? ""
                    : desc != null && desc.startsWith(NetshImport.NEVER_MATCHES_PREFIX) ? " never-matches" : " disabled");
            String h = "";
            if (hits) {
                JsonNode n = s.hits().get(f.filterId());
                h = String.format("%-15s ", n == null ? "-" : n.path("decided").asLong() + "/" + n.path("matched").asLong());
            }
            out.printf("  %-7d %-26s %016x   %-33s %s%s  %s%n", f.filterId(), clip(sub, 26), f.effectiveWeight(), action, h,
                    f.displayData().name(), conditions(f));
            shown++;
        }
        out.printf("%n%,d filters%n", shown);
    }

    private static void stateTable(PrintWriter out, Snapshot s, Layer only) {
        Map<Layer, int[]> counts = new HashMap<>();
        for (FwpmFilter f : s.filters()) counts.computeIfAbsent(f.layerKey(), k -> new int[2])[0]++;
        for (FwpmCallout c : s.callouts()) counts.computeIfAbsent(c.applicableLayer(), k -> new int[2])[1]++;
        out.printf("%-5s %-48s %6s %8s %8s%n", "ID", "LAYER", "FIELDS", "CALLOUTS", "FILTERS");
        for (Layer l : Layer.values()) {
            if (only != null && l != only) continue;
            int[] c = counts.getOrDefault(l, new int[2]);
            out.printf("%-5d %-48s %6d %8d %8d%n", l.layerId(), l.name(), l.fieldCount(), c[1], c[0]);
        }
        out.printf("%nSUBLAYERS (arbitration order)%n%-8s %-38s %s%n", "WEIGHT", "KEY", "NAME");
        List<FwpmSubLayer> subs = new ArrayList<>(s.sublayers());
        subs.sort(Comparator.comparingInt(FwpmSubLayer::weight).reversed());
        for (FwpmSubLayer sl : subs) out.printf("0x%04x   %-38s %s%n", sl.weight(), sl.subLayerKey(), sl.displayData().name());
        out.printf("%nPROVIDERS%n");
        for (FwpmProvider p : s.providers()) out.printf("%-38s %s%n", p.providerKey(), p.displayData().name());
        if (!s.sessions().isEmpty()) {
            out.printf("%nSESSIONS%n%-40s %-8s %-10s %-8s %s%n", "KEY", "PID", "USER", "DYNAMIC", "NAME");
            for (NetshDump.Session x : s.sessions()) {
                out.printf("%-40s %-8d %-10s %-8s %s%n", x.sessionKey(), x.processId(), x.username(),
                        x.flags().isEmpty() ? "no" : "yes", x.name());
            }
        }
        out.printf("%n%,d filters, %,d callouts, %,d sublayers, %,d providers%n", s.filters().size(), s.callouts().size(),
                s.sublayers().size(), s.providers().size());
    }

    private static String shortSub(FwpmSubLayer sl) {
        String n = NetshNames.name(sl.subLayerKey());
        if (n == null) n = sl.displayData().name();
        return n.replace("FWPM_SUBLAYER_", "");
    }

    private static String conditions(FwpmFilter f) {
        StringBuilder sb = new StringBuilder();
        for (FwpmFilterCondition c : f.filterCondition()) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(c.fieldKey().name().replace("FWPM_CONDITION_", "")).append(' ')
                    .append(c.matchType().name().replace("FWP_MATCH_", "")).append(' ')
                    .append(value(c.conditionValue(), f.layerKey().field(c.fieldKey())));
        }
        return sb.toString();
    }

    /** A condition value in the policy file's text form (addresses dotted, app ids as paths), shortened. */
    private static String value(FwpValue v, io.jwfp.engine.layer.LayerField field) {
        String t = field == null ? null : io.jwfp.policy.PolicyWriter.conditionText(v, field);
        String s = t != null ? t : String.valueOf(v);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
