package io.jwfp.shim.sim.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws a trace the way the seed's picture does: one column per host, time downwards; every classification is a
 * labelled box on its host's column (red when it blocked), every packet on a wire an arrow from sender to receiver
 * (red and dashed when the link lost it; a loop on the column for loopback). Hand-written SVG 1.1. Stateless.
 */
public final class TraceSvg {
    private static final int COL = 430;
    private static final int BOX = 330;
    private static final int ROW = 24;
    private static final int TOP = 90;

    private TraceSvg() {}

    /**
     * The SVG document.
     *
     * @param entries the classifications and transmissions to draw, in order (ARP frames are skipped)
     * @param columns the host names, left to right
     * @param title   a line at the top
     */
    public static String render(List<TraceEntry> entries, List<String> columns, String title) {
        List<TraceEntry> shown = new ArrayList<>();
        for (TraceEntry e : entries) {
            if (e instanceof Transmission t && (t.arp() || !columns.contains(t.fromHost()) || !columns.contains(t.toHost()))) continue;
            if (e instanceof Classification c && !columns.contains(c.host())) continue;
            shown.add(e);
        }
        boolean loops = shown.stream().anyMatch(e -> e instanceof Transmission t && t.fromHost().equals(t.toHost()));
        // Room on the right for loopback arrows and their labels, and for the title.
        int width = Math.max(40 + columns.size() * COL + (loops ? 240 : 0), 40 + 8 * title.length());
        int height = TOP + shown.size() * ROW + 60;
        StringBuilder sb = new StringBuilder();
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"12\">%n",
                width, height, width, height));
        sb.append("<defs>\n")
                .append("<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#333\"/></marker>\n")
                .append("<marker id=\"arrow-red\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c00\"/></marker>\n")
                .append("</defs>\n");
        sb.append("<rect x=\"0\" y=\"0\" width=\"").append(width).append("\" height=\"").append(height).append("\" fill=\"white\"/>\n");
        sb.append(text(20, 28, escape(title), "font-size=\"15\" font-weight=\"bold\""));
        for (int i = 0; i < columns.size(); i++) {
            int x = center(i);
            sb.append(text(x, 62, escape(columns.get(i)), "text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\""));
            sb.append(String.format(Locale.ROOT, "<line class=\"lifeline\" x1=\"%d\" y1=\"70\" x2=\"%d\" y2=\"%d\" stroke=\"#bbb\" stroke-dasharray=\"4 4\"/>%n",
                    x, x, height - 30));
        }
        int y = TOP;
        for (TraceEntry e : shown) {
            if (e instanceof Classification c) {
                int x = center(columns.indexOf(c.host()));
                boolean red = c.blocked();
                String fill = red ? "#fdd" : c.layer().isAle() ? "#eef4ff" : "#f4f4f4";
                String stroke = red ? "#c00" : "#888";
                sb.append(String.format(Locale.ROOT, "<g class=\"layer%s\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"3\" fill=\"%s\" stroke=\"%s\"/>",
                        red ? " blocked" : "", x - BOX / 2, y - 15, BOX, ROW - 4, fill, stroke));
                String label = c.layer().name().replace("FWPM_LAYER_", "") + "  " + c.event()
                        + (red ? "  BLOCK" + (c.filterId() != 0 ? " #" + c.filterId() : "") : "")
                        + (c.absorbed() ? " (absorbed)" : "") + (c.reauthorize() ? " (reauth)" : "");
                sb.append(text(x, y + 1, escape(label), "text-anchor=\"middle\"" + (red ? " fill=\"#c00\"" : "")).strip());
                sb.append("</g>\n");
            } else if (e instanceof Transmission t) {
                int x1 = center(columns.indexOf(t.fromHost()));
                int x2 = center(columns.indexOf(t.toHost()));
                String color = t.lost() ? "#c00" : "#333";
                String marker = t.lost() ? "arrow-red" : "arrow";
                sb.append(String.format(Locale.ROOT, "<g class=\"packet%s\" data-packet=\"%d\">", t.lost() ? " lost" : "", t.packetId()));
                if (x1 == x2) {
                    int xr = x1 + BOX / 2;
                    sb.append(String.format(Locale.ROOT, "<path d=\"M%d,%d C%d,%d %d,%d %d,%d\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" marker-end=\"url(#%s)\"/>",
                            xr, y - 12, xr + 50, y - 12, xr + 50, y + 4, xr, y + 4, color, marker));
                    sb.append(text(xr + 56, y, escape(t.event() + " (loopback)"), "fill=\"" + color + "\"").strip());
                } else {
                    int dir = x2 > x1 ? 1 : -1;
                    int sx = x1 + dir * (BOX / 2 + 4);
                    int ex = x2 - dir * (BOX / 2 + 4);
                    if (t.lost()) ex = (sx + ex) / 2;
                    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\"%s marker-end=\"url(#%s)\"/>",
                            sx, y - 4, ex, y - 4, color, t.lost() ? " stroke-dasharray=\"6 3\"" : "", marker));
                    sb.append(text((sx + ex) / 2, y - 8, escape(t.event() + (t.lost() ? " (lost)" : "")),
                            "text-anchor=\"middle\" fill=\"" + color + "\"").strip());
                }
                sb.append("</g>\n");
            }
            y += ROW;
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static int center(int column) {
        return 20 + column * COL + COL / 2;
    }

    private static String text(int x, int y, String s, String attrs) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" %s>%s</text>%n", x, y, attrs, s);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
