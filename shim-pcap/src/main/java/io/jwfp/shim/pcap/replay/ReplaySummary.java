package io.jwfp.shim.pcap.replay;

import static io.jwfp.engine.layer.Layer.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.engine.layer.Layer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a replay decided: packet totals, and per layer the packets and flows of each decision (outcome and deciding
 * filter). Counting allocates nothing once a filter has been seen (a filter seen for the first time gets a slot in
 * the tables). Rendered as text ({@link #toText}) or JSON ({@link #toJson}).
 *
 * <p>Not thread-safe: written by the replay's thread, read after the replay.
 */
public final class ReplaySummary {
    /** What a classification did to the packet. */
    public enum Outcome {
        /** Permitted (by a filter, or by the layer's default when no filter decided). */
        PERMIT,
        /** Blocked: dropped. */
        BLOCK,
        /** A callout blocked and absorbed the packet without putting another in its place: dropped silently. */
        ABSORB,
        /** A callout absorbed the packet and injected a modified one in its place, which goes on. */
        MODIFY
    }

    private static final int OUTCOMES = 4;

    /** The layers a replay classifies at, in the order the summary lists them (Windows' order, IPv4 first). */
    static final List<Layer> LAYERS;

    static {
        List<Layer> v4 = List.of(FWPM_LAYER_INBOUND_IPPACKET_V4, FWPM_LAYER_INBOUND_TRANSPORT_V4,
                FWPM_LAYER_INBOUND_ICMP_ERROR_V4, FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4, FWPM_LAYER_ALE_AUTH_CONNECT_V4,
                FWPM_LAYER_ALE_FLOW_ESTABLISHED_V4, FWPM_LAYER_DATAGRAM_DATA_V4, FWPM_LAYER_OUTBOUND_ICMP_ERROR_V4,
                FWPM_LAYER_OUTBOUND_TRANSPORT_V4, FWPM_LAYER_OUTBOUND_IPPACKET_V4, FWPM_LAYER_IPFORWARD_V4);
        List<Layer> all = new ArrayList<>(v4);
        for (Layer l : v4) all.add(l.otherIpVersion());
        LAYERS = List.copyOf(all);
    }

    private final long[][] packets = new long[LAYERS.size()][];
    private final long[][] flows = new long[LAYERS.size()][];

    // Filters by dense index (0: no filter, the layer's default): open addressing from filter id to index.
    private long[] keys = new long[64];
    private int[] vals = new int[64];
    private int filterCount = 1;
    private long[] filterIds = new long[16];
    private String[] filterNames = new String[16];

    // Totals.
    long records;
    long ipPackets;
    long notIp;
    long unsupportedLink;
    long unparsed;
    long inbound;
    long outbound;
    long loopback;
    long forwarded;
    long permitted;
    long blocked;
    long absorbed;
    long modified;
    long injected;
    long injectedDropped;
    long written;
    long flowsTotal;
    long flowsBlocked;
    long elapsedNanos;
    String problem;
    /** Whether the replay wrote an output capture. */
    boolean output;

    ReplaySummary() {
        for (int i = 0; i < LAYERS.size(); i++) {
            packets[i] = new long[16 * OUTCOMES];
            flows[i] = new long[16 * OUTCOMES];
        }
        filterNames[0] = "(no filter: the layer's default)";
    }

    /** The counter slot of a layer the replay classifies at, or -1. */
    static int slot(Layer layer) {
        return SLOTS[layer.ordinal()];
    }

    private static final int[] SLOTS;

    static {
        SLOTS = new int[Layer.values().length];
        Arrays.fill(SLOTS, -1);
        for (int i = 0; i < LAYERS.size(); i++) SLOTS[LAYERS.get(i).ordinal()] = i;
    }

    /** The cell of a decision: the filter's dense index and the outcome. Allocates only for a filter never seen. */
    int cell(long filterId, String filterName, Outcome outcome) {
        return index(filterId, filterName) * OUTCOMES + outcome.ordinal();
    }

    private int index(long filterId, String name) {
        if (filterId == 0) return 0;
        int mask = keys.length - 1;
        int i = (int) (filterId * 0x9E37_79B9_7F4A_7C15L >>> 40) & mask;
        while (keys[i] != 0) {
            if (keys[i] == filterId) return vals[i];
            i = (i + 1) & mask;
        }
        int idx = filterCount++;
        keys[i] = filterId;
        vals[i] = idx;
        if (idx == filterIds.length) {
            filterIds = Arrays.copyOf(filterIds, idx * 2);
            filterNames = Arrays.copyOf(filterNames, idx * 2);
        }
        filterIds[idx] = filterId;
        filterNames[idx] = name;
        if (filterCount * 2 > keys.length) rehash();
        return idx;
    }

    private void rehash() {
        long[] ok = keys;
        int[] ov = vals;
        keys = new long[ok.length * 2];
        vals = new int[ok.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < ok.length; j++) {
            if (ok[j] == 0) continue;
            int i = (int) (ok[j] * 0x9E37_79B9_7F4A_7C15L >>> 40) & mask;
            while (keys[i] != 0) i = (i + 1) & mask;
            keys[i] = ok[j];
            vals[i] = ov[j];
        }
    }

    /** Counts one packet in {@code cell} of {@code slot}, and its flow if this is the flow's first time there. */
    void count(int slot, int cell, ReplayFlow flow) {
        long[] p = packets[slot];
        if (cell >= p.length) {
            int n = Math.max(cell + 1, p.length * 2);
            packets[slot] = p = Arrays.copyOf(p, n);
            flows[slot] = Arrays.copyOf(flows[slot], n);
        }
        p[cell]++;
        if (flow != null && flow.firstIn(slot, cell)) flows[slot][cell]++;
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** One line of the per-layer table. */
    public record Row(Layer layer, Outcome outcome, long filterId, String filterName, long packets, long flows) {}

    /** Every decision that happened, per layer in {@link #LAYERS} order, most packets first within a layer. */
    public List<Row> rows() {
        List<Row> out = new ArrayList<>();
        for (int s = 0; s < LAYERS.size(); s++) {
            List<Row> layer = new ArrayList<>();
            long[] p = packets[s];
            for (int c = 0; c < p.length; c++) {
                if (p[c] == 0) continue;
                int f = c / OUTCOMES;
                layer.add(new Row(LAYERS.get(s), Outcome.values()[c % OUTCOMES], filterIds[f], filterNames[f], p[c],
                        flows[s][c]));
            }
            layer.sort((a, b) -> Long.compare(b.packets(), a.packets()));
            out.addAll(layer);
        }
        return out;
    }

    /** Capture records (packets) read. */
    public long packets() {
        return records;
    }

    /** IP packets classified (the rest passed unclassified). */
    public long ipPackets() {
        return ipPackets;
    }

    public long permitted() {
        return permitted;
    }

    public long blocked() {
        return blocked;
    }

    public long absorbed() {
        return absorbed;
    }

    /** Packets written modified (a callout replaced them). */
    public long modified() {
        return modified;
    }

    /** Packets callouts injected besides the capture's (classified, and written when permitted). */
    public long injected() {
        return injected;
    }

    /** Packets written to the output capture. */
    public long written() {
        return written;
    }

    /** ALE flows seen. */
    public long flows() {
        return flowsTotal;
    }

    /** ALE flows an ALE layer blocked. */
    public long flowsBlocked() {
        return flowsBlocked;
    }

    public long notIp() {
        return notIp;
    }

    public long unsupportedLink() {
        return unsupportedLink;
    }

    public long unparsed() {
        return unparsed;
    }

    public long inbound() {
        return inbound;
    }

    public long outbound() {
        return outbound;
    }

    public long loopback() {
        return loopback;
    }

    public long forwarded() {
        return forwarded;
    }

    /** Wall time of the replay. */
    public long elapsedNanos() {
        return elapsedNanos;
    }

    /** Why the replay stopped early (a malformed record), or null. */
    public String problem() {
        return problem;
    }

    // ------------------------------------------------------------------------------------------------ rendering

    /** The summary as text: totals, then one table of decisions per layer. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        double secs = elapsedNanos / 1e9;
        sb.append(String.format(Locale.ROOT, "packets: %,d read in %.2f s (%,.0f packets/s)%n", records, secs,
                secs > 0 ? records / secs : 0.0));
        sb.append(String.format(Locale.ROOT, "  classified %,d IP packets: %,d inbound, %,d outbound, %,d loopback, %,d forwarded%n",
                ipPackets, inbound, outbound, loopback, forwarded));
        if (notIp + unsupportedLink + unparsed > 0) {
            sb.append(String.format(Locale.ROOT, "  passed unclassified: %,d not IP, %,d of an unsupported link type, %,d malformed IP%n",
                    notIp, unsupportedLink, unparsed));
        }
        sb.append(String.format(Locale.ROOT, "  permitted %,d (%,d modified by callouts), blocked %,d, absorbed %,d%n",
                permitted, modified, blocked, absorbed));
        if (injected + injectedDropped > 0) {
            sb.append(String.format(Locale.ROOT, "  injected by callouts: %,d permitted, %,d dropped%n", injected, injectedDropped));
        }
        if (output) {
            sb.append(String.format(Locale.ROOT, "  written: %,d (the permitted, %,d frames without IP or of other link types, %,d injected)%n",
                    written, notIp + unsupportedLink, injected));
        }
        sb.append(String.format(Locale.ROOT, "flows: %,d (%,d blocked at an ALE layer)%n", flowsTotal, flowsBlocked));
        List<Row> rows = rows();
        if (rows.isEmpty()) {
            sb.append("no layer had filters: nothing was classified\n");
        } else {
            int w = 6;
            for (Row r : rows) w = Math.max(w, label(r).length() + 2);
            sb.append(String.format(Locale.ROOT, "%n%-" + w + "s  %-7s  %13s  %9s%n", "filter", "action", "packets", "flows"));
            Layer current = null;
            for (Row r : rows) {
                if (r.layer() != current) {
                    current = r.layer();
                    sb.append(current.shortName()).append('\n');
                }
                sb.append(String.format(Locale.ROOT, "  %-" + (w - 2) + "s  %-7s  %,13d  %,9d%n", label(r),
                        r.outcome().name(), r.packets(), r.flows()));
            }
        }
        if (problem != null) sb.append("stopped early: ").append(problem).append('\n');
        return sb.toString();
    }

    private static String label(Row r) {
        return r.filterId() == 0 ? r.filterName() : "#" + r.filterId() + " " + (r.filterName() == null ? "" : r.filterName());
    }

    /** The summary as a JSON object (stable field names; see docs/replay.md). */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        ObjectNode p = o.putObject("packets");
        p.put("read", records);
        p.put("ip", ipPackets);
        p.put("inbound", inbound);
        p.put("outbound", outbound);
        p.put("loopback", loopback);
        p.put("forwarded", forwarded);
        p.put("notIp", notIp);
        p.put("unsupportedLinkType", unsupportedLink);
        p.put("malformedIp", unparsed);
        p.put("permitted", permitted);
        p.put("modified", modified);
        p.put("blocked", blocked);
        p.put("absorbed", absorbed);
        p.put("injected", injected);
        p.put("injectedDropped", injectedDropped);
        p.put("written", written);
        ObjectNode f = o.putObject("flows");
        f.put("total", flowsTotal);
        f.put("blocked", flowsBlocked);
        ArrayNode layers = o.putArray("layers");
        Layer current = null;
        ArrayNode decisions = null;
        for (Row r : rows()) {
            if (r.layer() != current) {
                current = r.layer();
                ObjectNode l = layers.addObject();
                l.put("layer", current.name());
                l.put("layerId", current.layerId());
                decisions = l.putArray("decisions");
            }
            ObjectNode d = decisions.addObject();
            d.put("action", r.outcome().name());
            d.put("filterId", r.filterId());
            if (r.filterId() == 0 || r.filterName() == null) d.putNull("filterName");
            else d.put("filterName", r.filterName());
            d.put("packets", r.packets());
            d.put("flows", r.flows());
        }
        o.put("elapsedNanos", elapsedNanos);
        if (problem == null) o.putNull("error");
        else o.put("error", problem);
        return o;
    }
}
