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
import io.jwfp.policy.PolicyParser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jwfp explain}: classify one set of incoming values against a policy and show how WFP's arbitration reached
 * its decision, sublayer by sublayer.
 */
@Command(name = "explain", description = {
        "Classify one set of incoming values at a layer against a policy and explain the decision:",
        "the final action, the deciding filter, hard or soft, any veto, and every sublayer in evaluation order.",
        "Fields not given are FWP_EMPTY. Exit code 0 on success, 2 on bad input."})
final class ExplainCommand implements Runnable {
    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The policy file (YAML).")
    Path policy;

    @Option(names = "--layer", required = true, paramLabel = "LAYER", description = "The layer, e.g. FWPM_LAYER_ALE_AUTH_CONNECT_V4 (prefix optional).")
    String layer;

    @Option(names = "--field", paramLabel = "NAME=VALUE", description = "An incoming value, e.g. IP_REMOTE_PORT=443 (repeatable).")
    List<String> fields = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
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
        Policy p = PolicyParser.parse(policy);
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
