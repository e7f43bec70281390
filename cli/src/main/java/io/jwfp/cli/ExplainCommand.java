package io.jwfp.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.bfe.persist.ObjectJson;
import io.jwfp.engine.arbitration.ClassifyResult;
import io.jwfp.engine.arbitration.RecordingTrace;
import io.jwfp.engine.callout.FwpsIncomingMetadataValues;
import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.state.CompiledFilter;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.FwpsIncomingValues;
import io.jwfp.engine.value.Values;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jwfp explain}: show how WFP's arbitration decides, either for one set of incoming values at one layer
 * ({@code --layer}, against a policy file), or for a whole flow ({@code --flow}, {@code --packet}) through every layer
 * it crosses, against a policy file or jwfpd's live policy ({@link FlowExplain}).
 */
@Command(name = "explain", mixinStandardHelpOptions = true, description = {
        "Explain WFP's decision, sublayer by sublayer: the final action, the deciding filter, hard or soft, any veto.",
        "",
        "One layer:  jwfp explain --policy FILE --layer LAYER [--field NAME=VALUE...]",
        "  Classifies one set of incoming values; fields not given are FWP_EMPTY.",
        "A flow:     jwfp explain --flow \"tcp 10.0.0.1:51000 -> 10.0.0.2:443\" [--direction out|in | --local PREFIX]",
        "            [--app PATH] [--policy FILE]",
        "  Runs the flow through every layer it crosses on the local host, in Windows' order (the simulator's: bind,",
        "  connect or listen/accept, transport and IP packet layers both ways, FLOW_ESTABLISHED), with the arbitration",
        "  at each, and names the first layer that blocks; later layers are not reached.",
        "  Without --policy, the flow is explained against jwfpd's live policy (no hit counted, no event reported).",
        "  --packet CAPTURE#N explains the flow of a capture's N-th packet instead.",
        "",
        "Examples:",
        "  jwfp explain --policy examples/policies/block-outbound.yaml --layer OUTBOUND_IPPACKET_V4 --field IP_REMOTE_ADDRESS=8.8.8.8",
        "  jwfp explain --flow \"tcp 192.168.1.20:51000 -> 192.168.1.10:3389\" --direction in --policy firewall.yaml",
        "  jwfp explain --flow \"tcp 10.0.0.1:51000 -> 93.184.216.34:443\" --app /usr/bin/curl --json",
        "",
        "Exit code 0 on success (whatever the decision), 1 when jwfpd fails, 2 on bad input."},
        sortOptions = false)
final class ExplainCommand implements Runnable {
    @Option(names = "--policy", paramLabel = "FILE", description = "The policy file (YAML). Required with --layer; for a flow, default: jwfpd's live policy.")
    Path policy;

    @Option(names = "--layer", paramLabel = "LAYER", description = "One layer, e.g. FWPM_LAYER_ALE_AUTH_CONNECT_V4 (prefix optional).")
    String layer;

    @Option(names = "--field", paramLabel = "NAME=VALUE", description = "With --layer: an incoming value, e.g. IP_REMOTE_PORT=443 (repeatable).")
    List<String> fields = new ArrayList<>();

    @Option(names = "--flow", paramLabel = "FLOW", description = {"A flow as its first packet shows it: \"tcp 10.0.0.1:51000 -> 10.0.0.2:443\",",
            "\"udp [fd00::1]:5353 -> [fd00::2]:53\", \"icmp 10.0.0.1 -> 10.0.0.2 [type 8 [code 0]]\"."})
    String flow;

    @Option(names = "--packet", paramLabel = "CAPTURE#N", description = "The flow of the N-th packet (1-based) of a pcap or pcapng file.")
    String packet;

    @Option(names = "--direction", paramLabel = "out|in", description = {"out: the local host opens the flow (its source is local; default);",
            "in: the local host accepts it (its destination is local)."})
    String direction;

    @Option(names = "--local", paramLabel = "PREFIX[,PREFIX...]", split = ",",
            description = "The local host's addresses (e.g. 10.0.0.0/8,fd00::/64): the end inside them is local; instead of --direction.")
    List<String> local = new ArrayList<>();

    @Option(names = "--app", paramLabel = "PATH", description = {"The application, for ALE_APP_ID: a Linux path (/usr/bin/curl) or a Windows",
            "NT device path (\\device\\harddiskvolume3\\program files\\app\\app.exe, compared lower-cased)."})
    String app;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @picocli.CommandLine.Mixin
    Remote remote;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        int modes = (layer != null ? 1 : 0) + (flow != null ? 1 : 0) + (packet != null ? 1 : 0);
        if (modes != 1) throw new Jwfp.UserException("give one of --layer LAYER, --flow FLOW or --packet CAPTURE#N (see 'jwfp explain --help')");
        if (layer == null) {
            if (!fields.isEmpty()) throw new Jwfp.UserException("--field goes with --layer; a flow's fields come from --flow");
            new FlowExplain(this).run();
            return;
        }
        if (policy == null) throw new Jwfp.UserException("--layer needs --policy FILE");
        if (flow != null || app != null || direction != null || !local.isEmpty()) {
            throw new Jwfp.UserException("--direction, --local and --app go with --flow or --packet");
        }
        explainLayer();
    }

    private void explainLayer() {
        Layer l = Layer.byName(layer);
        if (l == null) throw new Jwfp.UserException("unknown layer '" + layer + "' (run `jwfp layers` for the list)");
        FwpsIncomingValues in = new FwpsIncomingValues(l);
        for (String f : fields) {
            int eq = f.indexOf('=');
            if (eq <= 0) throw new Jwfp.UserException("--field " + f + ": expected NAME=VALUE");
            String name = f.substring(0, eq).trim();
            ConditionKey key = Conditions.byName(name);
            if (key == null) throw new Jwfp.UserException("--field " + f + ": unknown field '" + name + "'");
            LayerField field = l.field(key);
            if (field == null) {
                throw new Jwfp.UserException("--field " + f + ": " + key.name() + " is not a field of " + l.name()
                        + " (run `jwfp layers " + l.shortName() + "`)");
            }
            try {
                in.set(field.index(), Values.parseIncoming(f.substring(eq + 1), field));
            } catch (IllegalArgumentException e) {
                throw new Jwfp.UserException("--field " + f + ": " + e.getMessage());
            }
        }
        Policy p = PolicySource.load(policy, spec.commandLine().getErr()).policy();
        try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory();
             FwpmEngine engine = bfe.openSession(FwpmSession.named("jwfp explain"))) {
            PolicyApplier.apply(p, engine, PolicyApplier.Mode.ADD);
            ClassifyResult r = new ClassifyResult();
            RecordingTrace trace = new RecordingTrace();
            bfe.filterEngine().classify(in, new FwpsIncomingMetadataValues(), null, r, trace);
            PrintWriter out = spec.commandLine().getOut();
            if (json) out.println(ObjectJson.MAPPER.valueToTree(toJson(l, in, r, trace)).toPrettyString());
            else printText(out, l, in, r, trace);
            out.flush();
        }
    }

    private static ObjectNode toJson(Layer l, FwpsIncomingValues in, ClassifyResult r, RecordingTrace trace) {
        ObjectNode o = ObjectJson.MAPPER.createObjectNode();
        o.put("action", r.action().name());
        o.put("filterId", r.filterId());
        CompiledFilter d = r.decidingFilter();
        if (d == null) {
            o.putNull("filterName");
            o.putNull("filterKey");
        } else {
            o.put("filterName", d.definition().name());
            o.put("filterKey", String.valueOf(d.definition().filterKey()));
        }
        o.put("hard", r.isHard());
        o.put("veto", r.isVeto());
        o.put("absorb", r.isAbsorbed());
        o.put("layer", l.name());
        o.put("layerId", l.layerId());
        ObjectNode values = o.putObject("incomingValues");
        for (LayerField f : l.fields()) {
            if (!in.isEmpty(f.index())) values.put(f.condition().name(), Values.format(in.value(f.index()), f));
        }
        ArrayNode subs = o.putArray("sublayers");
        for (RecordingTrace.SublayerStep s : trace.sublayers()) {
            ObjectNode sn = subs.addObject();
            sn.put("name", s.sublayer().sublayer().name());
            sn.put("key", String.valueOf(s.sublayer().sublayer().subLayerKey()));
            sn.put("weight", s.sublayer().sublayer().weight());
            sn.put("entryAction", s.entryAction().name());
            sn.put("entryWriteRight", s.entryWriteRight());
            sn.put("result", s.result().name());
            sn.put("effect", s.effect());
            ArrayNode fs = sn.putArray("filters");
            for (RecordingTrace.FilterStep f : s.filters()) {
                ObjectNode fn = fs.addObject();
                fn.put("name", f.filter().definition().name());
                fn.put("id", f.filter().filterId());
                fn.put("action", f.filter().actionType().name());
                fn.put("weight", Long.toUnsignedString(f.filter().weight()));
                fn.put("result", f.result().name());
                fn.put("calloutInvoked", f.invoked());
                if (f.returned() != null) fn.put("calloutReturned", f.returned().name());
                fn.put("note", f.note());
            }
        }
        return o;
    }

    private static void printText(PrintWriter out, Layer l, FwpsIncomingValues in, ClassifyResult r, RecordingTrace trace) {
        CompiledFilter d = r.decidingFilter();
        out.printf("%s%s%n", r.action().name(), r.isAbsorbed() ? " (absorbed)" : "");
        out.printf("  deciding filter: %s%n", d == null ? "none (layer default: permit)"
                : d.filterId() + " " + quote(d.definition().name()) + " {" + d.definition().filterKey() + "}");
        out.printf("  hard: %s   veto: %s%n", r.isHard() ? "yes" : "no", r.isVeto() ? "yes" : "no");
        out.printf("  layer: %s (id %d)%n", l.name(), l.layerId());
        StringBuilder vals = new StringBuilder();
        for (LayerField f : l.fields()) {
            if (in.isEmpty(f.index())) continue;
            FwpValue v = in.value(f.index());
            vals.append(vals.length() == 0 ? "" : ", ").append(f.condition().shortName()).append('=').append(Values.format(v, f));
        }
        out.printf("  incoming values: %s%n", vals.length() == 0 ? "(all FWP_EMPTY)" : vals);
        if (trace.sublayers().isEmpty()) {
            out.println("  no filters at this layer");
            return;
        }
        out.println("  sublayers in evaluation order:");
        for (RecordingTrace.SublayerStep s : trace.sublayers()) {
            out.printf("    %s (weight 0x%04x)%s: %s, %s%n", quote(s.sublayer().sublayer().name()), s.sublayer().sublayer().weight(),
                    s.entryWriteRight() ? "" : " [no write right]", shortAction(s.result()), s.effect());
            if (s.filters().isEmpty()) out.println("      no filter matched");
            for (RecordingTrace.FilterStep f : s.filters()) {
                out.printf("      filter %d %s  %s -> %s  (%s)%n", f.filter().filterId(), quote(f.filter().definition().name()),
                        f.filter().actionType().shortName(), f.result().shortName(), f.note());
            }
        }
    }

    private static String shortAction(ActionType a) {
        return a == ActionType.FWP_ACTION_NONE ? "no decision" : a.name();
    }

    private static String quote(String s) {
        return s == null || s.isEmpty() ? "(unnamed)" : "'" + s + "'";
    }
}
