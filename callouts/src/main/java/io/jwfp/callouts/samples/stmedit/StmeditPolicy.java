package io.jwfp.callouts.samples.stmedit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the policy the stmedit driver would create at start-up from its registry values: a provider, one sublayer
 * per callout set (set 1 at weight 0x40; set 2 at 0x20 unless MultipleCallouts is 0), per set and IP version a
 * flow-established callout and filter (CALLOUT_INSPECTION; conditions protocol TCP, the direction unless both, the
 * local port and the remote port where non-zero) and a stream callout and filter (no conditions,
 * CALLOUT_TERMINATING; the stream callouts are conditional on flow). The string values and BusyThreshold go to the
 * stream callouts' {@code config:}. {@code examples/policies/samples/stmedit.yaml} is this output for the defaults.
 *
 * <p>Run: {@code java -cp <callouts jar> io.jwfp.callouts.samples.stmedit.StmeditPolicy [--packet] [Key=Value ...] > p.yaml}
 * ({@code --packet}: {@link #packetYaml}).
 * Stateless.
 */
public final class StmeditPolicy {
    private StmeditPolicy() {}

    /** Set 1's sublayer weight (the sample's). */
    public static final int OOB_SUBLAYER_WEIGHT = 0x40;
    /** Set 2's sublayer weight (the sample's). */
    public static final int INLINE_SUBLAYER_WEIGHT = 0x20;

    /** The policy for registry values {@code values} (missing keys take the defaults). */
    public static String yaml(Map<String, ?> values) {
        StmeditConfig c = StmeditConfig.parse(values, Set.copyOf(StmeditConfig.KEYS), "stmedit");
        StringBuilder y = new StringBuilder();
        y.append("# Microsoft's stmedit (Stream Edit) sample as a jwfp policy; see docs/samples/stmedit.md.\n");
        y.append("# Written by io.jwfp.callouts.samples.stmedit.StmeditPolicy from the registry values:\n#  ");
        c.asRegistryValues().forEach((k, v) -> y.append(' ').append(k).append('=').append(v));
        y.append("\n");
        y.append("providers:\n  - name: stmedit\n    description: Stream Edit sample\n");
        y.append("sublayers:\n");
        sublayer(y, "stmedit-oob", OOB_SUBLAYER_WEIGHT, "set 1: out-of-band editor (StringToFind -> StringX)");
        if (c.multipleCallouts()) {
            sublayer(y, "stmedit-inline", INLINE_SUBLAYER_WEIGHT, "set 2: inline editor (StringX -> StringToReplace)");
        }
        Map<String, Object> oobConfig = new LinkedHashMap<>();
        oobConfig.put(StmeditConfig.STRING_TO_FIND, c.asRegistryValues().get(StmeditConfig.STRING_TO_FIND));
        oobConfig.put(StmeditConfig.STRING_X, c.asRegistryValues().get(StmeditConfig.STRING_X));
        oobConfig.put(StmeditConfig.BUSY_THRESHOLD, c.busyThresholdBytes() / 1024);
        Map<String, Object> inlineConfig = new LinkedHashMap<>();
        inlineConfig.put(StmeditConfig.STRING_X, c.asRegistryValues().get(StmeditConfig.STRING_X));
        inlineConfig.put(StmeditConfig.STRING_TO_REPLACE, c.asRegistryValues().get(StmeditConfig.STRING_TO_REPLACE));
        y.append("callouts:\n");
        for (String v : List.of("V4", "V6")) {
            callout(y, "stmedit-oob-flow-established-" + v, "FWPM_LAYER_ALE_FLOW_ESTABLISHED_" + v,
                    "stmedit-oob-flow-established", Map.of());
            callout(y, "stmedit-oob-stream-" + v, "FWPM_LAYER_STREAM_" + v, "stmedit-oob-stream", oobConfig);
            if (c.multipleCallouts()) {
                callout(y, "stmedit-inline-flow-established-" + v, "FWPM_LAYER_ALE_FLOW_ESTABLISHED_" + v,
                        "stmedit-inline-flow-established", Map.of());
                callout(y, "stmedit-inline-stream-" + v, "FWPM_LAYER_STREAM_" + v, "stmedit-inline-stream", inlineConfig);
            }
        }
        y.append("filters:\n");
        for (String v : List.of("V4", "V6")) {
            for (String set : c.multipleCallouts() ? List.of("oob", "inline") : List.of("oob")) {
                String fe = "stmedit-" + set + "-flow-established-" + v;
                y.append("  - name: ").append(fe).append('\n');
                y.append("    layer: FWPM_LAYER_ALE_FLOW_ESTABLISHED_").append(v).append('\n');
                y.append("    sublayer: stmedit-").append(set).append('\n');
                y.append("    conditions:\n");
                y.append("      - {field: FWPM_CONDITION_IP_PROTOCOL, value: 6}\n");
                if (c.inspectionDirection() != StmeditConfig.DIRECTION_BOTH) {
                    y.append("      - {field: FWPM_CONDITION_DIRECTION, value: ").append(c.inspectionDirection())
                            .append("}  # ").append(c.inspectionDirection() == StmeditConfig.DIRECTION_OUTBOUND
                                    ? "FWP_DIRECTION_OUTBOUND" : "FWP_DIRECTION_INBOUND").append('\n');
                }
                if (c.inspectionLocalPort() != 0) {
                    y.append("      - {field: FWPM_CONDITION_IP_LOCAL_PORT, value: ").append(c.inspectionLocalPort())
                            .append("}\n");
                }
                if (c.inspectionRemotePort() != 0) {
                    y.append("      - {field: FWPM_CONDITION_IP_REMOTE_PORT, value: ").append(c.inspectionRemotePort())
                            .append("}\n");
                }
                y.append("    action: CALLOUT_INSPECTION\n");
                y.append("    callout: ").append(fe).append('\n');
                String st = "stmedit-" + set + "-stream-" + v;
                y.append("  - name: ").append(st).append('\n');
                y.append("    layer: FWPM_LAYER_STREAM_").append(v).append('\n');
                y.append("    sublayer: stmedit-").append(set).append('\n');
                y.append("    action: CALLOUT_TERMINATING\n");
                y.append("    callout: ").append(st).append('\n');
            }
        }
        return y.toString();
    }

    /**
     * The policy for a shim without a stream layer (live traffic through NFQUEUE): the {@code stmedit-packet} callout
     * at FWPM_LAYER_OUTBOUND_IPPACKET_V4/V6 and FWPM_LAYER_INBOUND_IPPACKET_V4/V6 in one sublayer of weight 0x40,
     * filters without conditions (the IP packet layers have no port fields: the callout selects the connections by
     * the Inspection* values itself). BusyThreshold does not apply (nothing is deferred: TCP's own window holds the
     * sender back) and is refused.
     */
    public static String packetYaml(Map<String, ?> values) {
        java.util.Set<String> keys = new java.util.HashSet<>(StmeditConfig.KEYS);
        keys.remove(StmeditConfig.BUSY_THRESHOLD);
        StmeditConfig c = StmeditConfig.parse(values, keys, "stmedit-packet policy");
        Map<String, Object> cfg = new LinkedHashMap<>(c.asRegistryValues());
        cfg.remove(StmeditConfig.BUSY_THRESHOLD);
        StringBuilder y = new StringBuilder();
        y.append("# Microsoft's stmedit sample for a shim without a stream layer (live traffic); see docs/samples/stmedit.md,\n");
        y.append("# \"On live traffic\". Written by io.jwfp.callouts.samples.stmedit.StmeditPolicy.packetYaml.\n");
        y.append("providers:\n  - name: stmedit\n    description: Stream Edit sample\n");
        y.append("sublayers:\n");
        sublayer(y, "stmedit-packet", OOB_SUBLAYER_WEIGHT, "TCP payload rewriting at the IP packet layers");
        y.append("callouts:\n");
        List<String[]> layers = List.of(new String[] {"out-V4", "FWPM_LAYER_OUTBOUND_IPPACKET_V4"},
                new String[] {"in-V4", "FWPM_LAYER_INBOUND_IPPACKET_V4"},
                new String[] {"out-V6", "FWPM_LAYER_OUTBOUND_IPPACKET_V6"},
                new String[] {"in-V6", "FWPM_LAYER_INBOUND_IPPACKET_V6"});
        for (String[] l : layers) callout(y, "stmedit-packet-" + l[0], l[1], "stmedit-packet", cfg);
        y.append("filters:\n");
        for (String[] l : layers) {
            y.append("  - name: stmedit-packet-").append(l[0]).append('\n');
            y.append("    layer: ").append(l[1]).append('\n');
            y.append("    sublayer: stmedit-packet\n");
            y.append("    action: CALLOUT_TERMINATING\n");
            y.append("    callout: stmedit-packet-").append(l[0]).append('\n');
        }
        return y.toString();
    }

    private static void sublayer(StringBuilder y, String name, int weight, String description) {
        y.append("  - name: ").append(name).append('\n');
        y.append("    weight: 0x").append(Integer.toHexString(weight)).append('\n');
        y.append("    provider: stmedit\n");
        y.append("    description: ").append(quote(description)).append('\n');
    }

    private static void callout(StringBuilder y, String name, String layer, String impl, Map<String, Object> config) {
        y.append("  - name: ").append(name).append('\n');
        y.append("    layer: ").append(layer).append('\n');
        y.append("    implementation: ").append(impl).append('\n');
        y.append("    provider: stmedit\n");
        if (!config.isEmpty()) {
            y.append("    config:\n");
            config.forEach((k, v) -> y.append("      ").append(k).append(": ").append(quote(v)).append('\n'));
        }
    }

    /** Strings in double quotes with YAML escapes, numbers plain. */
    private static String quote(Object v) {
        if (!(v instanceof String s)) return String.valueOf(v);
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') b.append('\\').append(ch);
            else if (ch < 0x20) b.append(String.format("\\x%02x", (int) ch));
            else b.append(ch);
        }
        return b.append('"').toString();
    }

    /** Prints the policy for {@code Key=Value} arguments. */
    public static void main(String[] args) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String a : args) {
            if (a.equals("--packet")) {
                values.put(a, a);
                continue;
            }
            int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("expected Key=Value, got '" + a + "' (keys: " + String.join(", ", StmeditConfig.KEYS) + ")");
                System.exit(2);
            }
            values.put(a.substring(0, eq), a.substring(eq + 1));
        }
        boolean packet = values.remove("--packet") != null;
        try {
            System.out.print(packet ? packetYaml(values) : yaml(values));
        } catch (IllegalArgumentException e) {
            System.err.println("stmedit: " + e.getMessage());
            System.exit(2);
        }
    }
}
