package io.jwfp.cli;

import io.jwfp.shim.sim.explain.FlowExplanation;
import java.io.PrintWriter;

/**
 * The text form of a {@link FlowExplanation}: the verdict first (fate, first blocking layer, deciding filter), then
 * one line per layer in the order the flow crosses them, then the arbitration at every layer that has filters.
 * Stateless.
 */
final class FlowExplainText {
    private FlowExplainText() {}

    static void print(PrintWriter out, FlowExplanation e, String against) {
        out.printf("flow %s, %s%s%n", e.flow(), e.direction().equals("outbound")
                ? "outbound (the local host opens it)" : "inbound (the local host accepts it)",
                e.app() == null ? "" : ", app " + e.app());
        out.printf("against %s%n", against);
        FlowExplanation.LayerStep b = e.blocking();
        if (b == null) {
            out.printf("%s: every layer permits the flow%n", e.action());
        } else {
            out.printf("%s at layer %d %s (%s)%n", e.action(), e.blockingLayer() + 1, b.layer(), b.event());
            out.printf("  by filter %s%n", filter(b));
            out.printf("  hard: %s   veto: %s%s%n", yes(b.hard()), yes(b.veto()), b.absorbed() ? "   absorbed (silent)" : "");
        }
        out.println();
        out.printf("  %2s  %-13s %-42s %-9s %-7s %s%n", "#", "event", "layer", "direction", "action", "filter");
        int i = 0;
        for (FlowExplanation.LayerStep s : e.layers()) {
            i++;
            if (!s.reached()) {
                out.printf("  %2d  %-13s %-42s %-9s %s%n", i, s.event(), s.layer(), s.packetDirection(), "not reached");
                continue;
            }
            out.printf("  %2d  %-13s %-42s %-9s %-7s %s%n", i, s.event(), s.layer(), s.packetDirection(),
                    s.action().replace("FWP_ACTION_", ""), s.filterId() == 0 ? "0 (layer default)"
                            : s.filterId() + " " + quote(s.filterName()) + (s.hard() ? " (hard)" : " (soft)"));
        }
        i = 0;
        for (FlowExplanation.LayerStep s : e.layers()) {
            i++;
            if (!s.reached() || s.sublayers().isEmpty()) continue;
            out.println();
            out.printf("layer %d %s (%s, %s): %s%s%n", i, s.layer(), s.event(), s.packetDirection(), s.action(),
                    s.filterId() == 0 ? ", layer default" : " by " + s.filterId() + " " + quote(s.filterName())
                            + ", " + (s.hard() ? "hard" : "soft") + (s.veto() ? ", veto" : ""));
            for (FlowExplanation.SublayerStep sl : s.sublayers()) {
                boolean none = sl.result().equals("FWP_ACTION_NONE"); // its effect then says "no decision"
                out.printf("    sublayer %s (weight 0x%04x)%s: %s%n", quote(sl.name()), sl.weight(),
                        sl.writeRight() ? "" : " [no write right]", none ? sl.effect() : sl.result() + ", " + sl.effect());
                if (sl.filters().isEmpty()) out.println("      no filter matched");
                for (FlowExplanation.FilterStep f : sl.filters()) {
                    out.printf("      filter %d %s  weight 0x%016x  %s -> %s  (%s)%s%n", f.id(), quote(f.name()),
                            Long.parseUnsignedLong(f.weight()), f.action().replace("FWP_ACTION_", ""),
                            f.result().replace("FWP_ACTION_", ""), f.note(), f.decides() ? "  <- decides" : "");
                }
            }
        }
    }

    private static String filter(FlowExplanation.LayerStep s) {
        return s.filterId() == 0 ? "none (layer default)"
                : s.filterId() + " " + quote(s.filterName()) + " {" + s.filterKey() + "}";
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    private static String quote(String s) {
        return s == null || s.isEmpty() ? "(unnamed)" : "'" + s + "'";
    }
}
