package io.jwfp.shim.sim.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a trace as text: one section per host (in the order given: the seed lists the server first), one line per
 * classification with its position in the whole run, so both the per-host lists and their interleaving can be read.
 * Stateless.
 */
public final class TraceText {
    private TraceText() {}

    /** Which classifications to show. */
    public static List<Classification> select(List<Classification> all, boolean showMac) {
        List<Classification> out = new ArrayList<>();
        for (Classification c : all) if (showMac || !c.isMacLayer()) out.add(c);
        return out;
    }

    /**
     * The text: per host a header line ({@code hostLabels} maps host names to e.g. "server 10.200.0.2") and aligned
     * columns # / event / layer / direction / action / filter, then flags (absorbed, reauth, injected, loopback).
     */
    public static String render(List<Classification> shown, List<String> hostOrder, Map<String, String> hostLabels) {
        Map<Classification, Integer> number = new LinkedHashMap<>();
        int n = 0;
        for (Classification c : shown) number.put(c, ++n);
        int ew = 5, lw = 5;
        for (Classification c : shown) {
            ew = Math.max(ew, c.event().length());
            lw = Math.max(lw, c.layer().name().length());
        }
        String fmt = "  %3s  %-" + ew + "s  %-" + lw + "s  %-9s %-7s %s%n";
        StringBuilder sb = new StringBuilder();
        for (String host : hostOrder) {
            List<Classification> mine = new ArrayList<>();
            for (Classification c : shown) if (c.host().equals(host)) mine.add(c);
            if (mine.isEmpty()) continue;
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(hostLabels.getOrDefault(host, host)).append('\n');
            sb.append(String.format(Locale.ROOT, fmt, "#", "event", "layer", "direction", "action", "filter"));
            for (Classification c : mine) {
                String filter = c.filterId() == 0 ? "0 (layer default)"
                        : c.filterId() + (c.filterName() == null ? "" : " '" + c.filterName() + "'");
                String flags = c.flagText();
                sb.append(String.format(Locale.ROOT, fmt, number.get(c), c.event(), c.layer().name(),
                        c.direction().label(), shortAction(c), filter + (flags.isEmpty() ? "" : "  [" + flags + "]")));
            }
        }
        return sb.toString();
    }

    static String shortAction(Classification c) {
        return c.action().name().replace("FWP_ACTION_", "");
    }
}
