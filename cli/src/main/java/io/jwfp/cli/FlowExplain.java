package io.jwfp.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.bfe.BaseFilteringEngine;
import io.jwfp.bfe.FwpmEngine;
import io.jwfp.bfe.FwpmSession;
import io.jwfp.daemon.mgmt.ManagementClient;
import io.jwfp.engine.FilterEngine;
import io.jwfp.policy.Policy;
import io.jwfp.policy.PolicyApplier;
import io.jwfp.policy.netsh.NetshImport;
import io.jwfp.engine.layer.Layer;
import io.jwfp.shim.sim.explain.ExplanationJson;
import io.jwfp.shim.sim.explain.FlowExplainer;
import io.jwfp.shim.sim.explain.FlowExplanation;
import io.jwfp.shim.sim.explain.FlowSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code jwfp explain --flow|--packet}: resolves the flow and which end is local, has it explained against a policy
 * file (here) or jwfpd's live engine (op {@code explain.flow}), and prints the result; both print from the same
 * {@link FlowExplanation}, so the output does not depend on where it was computed. One use per command run.
 */
final class FlowExplain {
    private final ExplainCommand cmd;

    FlowExplain(ExplainCommand cmd) {
        this.cmd = cmd;
    }

    void run() {
        FlowSpec flow = cmd.flow != null ? parseFlow(cmd.flow) : packetFlow(cmd.packet);
        boolean outbound = outbound(flow);
        FlowExplanation e;
        String against;
        NetshImport.Result imported = null;
        if (cmd.policy != null) {
            imported = PolicySource.load(cmd.policy, cmd.spec.commandLine().getErr());
            Policy p = imported.policy();
            against = "policy file " + cmd.policy;
            try (BaseFilteringEngine bfe = BaseFilteringEngine.inMemory();
                 FwpmEngine engine = bfe.openSession(FwpmSession.named("jwfp explain"))) {
                PolicyApplier.apply(p, engine, PolicyApplier.Mode.ADD);
                FilterEngine fe = bfe.filterEngine();
                // The same callouts as against jwfpd: explain runs no callout that could act on the world.
                e = explain(fe, flow, outbound);
            }
        } else {
            against = "jwfpd's live policy (" + cmd.remote.socketPath() + ")";
            e = remote(flow, outbound);
        }
        List<NotEvaluated> notEvaluated = imported == null || imported.report() == null ? List.of() : notEvaluated(e, imported);
        PrintWriter out = cmd.spec.commandLine().getOut();
        if (cmd.json) {
            ObjectNode o = ExplanationJson.toJson(e);
            o.put("against", against);
            if (imported != null && imported.report() != null) {
                ArrayNode a = o.putArray("notEvaluated");
                for (NotEvaluated n : notEvaluated) {
                    a.addObject().put("layer", n.layer()).put("filterKey", String.valueOf(n.filter().key()))
                            .put("name", n.filter().name()).put("reason", n.reason());
                }
            }
            out.println(o.toPrettyString());
        } else {
            FlowExplainText.print(out, e, against);
            printNotEvaluated(out, notEvaluated);
        }
        out.flush();
    }

    /** An imported Windows filter at a layer the flow reached that took no part: jwfp cannot evaluate a condition. */
    record NotEvaluated(String layer, Policy.Filter filter, String reason) {}

    /**
     * Filters of a netsh dump that never match (imported disabled, {@link NetshImport}) at the layers the flow reached:
     * shown so the user knows the verdict holds only if none of them would have matched on Windows.
     */
    private static List<NotEvaluated> notEvaluated(FlowExplanation e, NetshImport.Result imported) {
        List<NotEvaluated> out = new ArrayList<>();
        for (FlowExplanation.LayerStep s : e.layers()) {
            if (!s.reached()) continue;
            Layer l = Layer.byName(s.layer());
            if (l == null) continue;
            for (Policy.Filter f : imported.neverMatching(l)) {
                out.add(new NotEvaluated(s.layer(), f, NetshImport.neverMatchReason(f.description())));
            }
        }
        return out;
    }

    /** How many not-evaluated filters the text form lists; the JSON form lists all. */
    private static final int NOT_EVALUATED_SHOWN = 12;

    private static void printNotEvaluated(PrintWriter out, List<NotEvaluated> list) {
        if (list.isEmpty()) return;
        out.println();
        out.printf("not evaluated: %d imported filter(s) at the layers above never match here (a condition jwfp cannot"
                + " evaluate); on Windows they might have decided:%n", list.size());
        int shown = 0;
        for (NotEvaluated n : list) {
            if (shown++ == NOT_EVALUATED_SHOWN) {
                out.printf("    ... and %d more (--json lists every one)%n", list.size() - NOT_EVALUATED_SHOWN);
                break;
            }
            out.printf("    %s  '%s' {%s}: %s%n", n.layer(), n.filter().name(), n.filter().key(), n.reason());
        }
    }

    private FlowExplanation explain(FilterEngine fe, FlowSpec flow, boolean outbound) {
        try {
            return FlowExplainer.explain(fe, FlowExplainer.sideEffectFree(fe.callouts()), flow, outbound, cmd.app);
        } catch (IllegalArgumentException ex) {
            throw new Jwfp.UserException(ex.getMessage());
        }
    }

    private FlowExplanation remote(FlowSpec flow, boolean outbound) {
        ManagementClient c;
        try {
            c = cmd.remote.connect();
        } catch (Jwfp.DaemonUnavailable ex) {
            throw new Jwfp.UserException("no --policy given and jwfpd is not reachable (" + ex.getMessage()
                    + "); give --policy FILE or start jwfpd");
        }
        try (c) {
            ObjectNode req = c.request("explain.flow");
            req.put("flow", flow.toString());
            req.put("direction", outbound ? "outbound" : "inbound");
            if (cmd.app != null) req.put("app", cmd.app);
            JsonNode r = Remote.call(c, req);
            return ExplanationJson.fromJson(r.path("explanation"));
        } catch (IOException ex) {
            throw new Jwfp.DaemonUnavailable(ex.getMessage());
        }
    }

    private static FlowSpec parseFlow(String text) {
        try {
            return FlowSpec.parse(text);
        } catch (IllegalArgumentException e) {
            throw new Jwfp.UserException(e.getMessage());
        }
    }

    /** {@code CAPTURE#N}: the flow of the capture's N-th packet, read by the project's capture reader. */
    private static FlowSpec packetFlow(String spec) {
        int hash = spec.lastIndexOf('#');
        long n;
        try {
            n = hash < 0 ? -1 : Long.parseLong(spec.substring(hash + 1));
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1) throw new Jwfp.UserException("--packet " + spec + ": expected CAPTURE#N, e.g. dump.pcap#12 (packets count from 1)");
        Path file = Path.of(spec.substring(0, hash));
        if (!Files.isReadable(file)) throw new Jwfp.UserException("--packet " + spec + ": cannot read " + file);
        CapturePackets reader = CapturePackets.find();
        if (reader == null) {
            throw new Jwfp.UserException("--packet: this build has no capture reader (module shim-pcap); use --flow");
        }
        try {
            return FlowSpec.ofPacket(reader.ipPacket(file, n));
        } catch (IOException e) {
            throw new Jwfp.UserException("--packet " + spec + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Jwfp.UserException("--packet " + spec + ": packet " + n + ": " + e.getMessage());
        }
    }

    /** True if the local host opens the flow: from --direction, or --local, or by default. */
    private boolean outbound(FlowSpec flow) {
        if (cmd.direction != null && !cmd.local.isEmpty()) throw new Jwfp.UserException("give --direction or --local, not both");
        if (cmd.direction != null) {
            return switch (cmd.direction.toLowerCase(Locale.ROOT)) {
                case "out", "outbound" -> true;
                case "in", "inbound" -> false;
                default -> throw new Jwfp.UserException("--direction " + cmd.direction + ": expected out or in");
            };
        }
        if (cmd.local.isEmpty()) return true;
        List<Prefix> prefixes = cmd.local.stream().map(Prefix::parse).toList();
        boolean src = prefixes.stream().anyMatch(p -> p.contains(flow.source()));
        boolean dst = prefixes.stream().anyMatch(p -> p.contains(flow.destination()));
        if (!src && !dst) {
            throw new Jwfp.UserException("--local " + String.join(",", cmd.local) + ": neither end of " + flow + " is local");
        }
        return src; // both local: the host talks to itself and opens the flow
    }

    /** An address prefix of {@code --local}. */
    record Prefix(byte[] bits, int length) {
        static Prefix parse(String s) {
            String t = s.strip();
            int slash = t.indexOf('/');
            String addr = slash < 0 ? t : t.substring(0, slash);
            InetAddress a;
            try {
                a = InetAddress.ofLiteral(addr);
            } catch (IllegalArgumentException e) {
                throw new Jwfp.UserException("--local " + s + ": '" + addr + "' is not an IP address");
            }
            int max = a instanceof Inet6Address ? 128 : 32;
            int len = max;
            if (slash >= 0) {
                try {
                    len = Integer.parseInt(t.substring(slash + 1));
                } catch (NumberFormatException e) {
                    len = -1;
                }
                if (len < 0 || len > max) throw new Jwfp.UserException("--local " + s + ": prefix length must be 0-" + max);
            }
            return new Prefix(a.getAddress(), len);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != bits.length) return false;
            for (int i = 0; i < length; i++) {
                int mask = 0x80 >>> (i & 7);
                if ((b[i >> 3] & mask) != (bits[i >> 3] & mask)) return false;
            }
            return true;
        }
    }
}
