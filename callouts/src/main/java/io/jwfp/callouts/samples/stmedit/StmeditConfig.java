package io.jwfp.callouts.samples.stmedit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The stmedit sample's registry values (its {@code Parameters} key), read from a policy's {@code config:} map or
 * from {@code KEY=VALUE} arguments, with the sample's defaults and checks. Every value is validated; a bad one fails
 * with a message naming the key. Immutable and thread-safe.
 *
 * <table>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>StringToFind</td><td>rainy</td><td>what the out-of-band editor (set 1) looks for</td></tr>
 *   <tr><td>StringX</td><td>cloudy</td><td>what set 1 writes instead, and what the inline editor (set 2) looks for</td></tr>
 *   <tr><td>StringToReplace</td><td>sunny</td><td>what set 2 writes instead</td></tr>
 *   <tr><td>InspectionLocalPort</td><td>8888</td><td>local TCP port of the inspected flows, 0 = any</td></tr>
 *   <tr><td>InspectionRemotePort</td><td>0</td><td>remote TCP port, 0 = any (both 0: the local port reverts to 8888)</td></tr>
 *   <tr><td>InspectionDirection</td><td>2</td><td>0 outbound, 1 inbound, 2 both (who opened the connection)</td></tr>
 *   <tr><td>MultipleCallouts</td><td>1</td><td>0: only set 1; otherwise both sets, chained</td></tr>
 *   <tr><td>BusyThreshold</td><td>16</td><td>KiB of unprocessed inbound data per flow before set 1 defers it</td></tr>
 * </table>
 * Strings are 1 to 127 bytes (UTF-8); the sample converts its REG_SZ values to bytes the same way and has the same
 * limit.
 *
 * @param stringToFind        StringToFind as bytes
 * @param stringX             StringX as bytes
 * @param stringToReplace     StringToReplace as bytes
 * @param inspectionLocalPort InspectionLocalPort (after the 8888 fallback)
 * @param inspectionRemotePort InspectionRemotePort
 * @param inspectionDirection InspectionDirection
 * @param multipleCallouts    MultipleCallouts != 0
 * @param busyThresholdBytes  BusyThreshold in bytes
 */
public record StmeditConfig(byte[] stringToFind, byte[] stringX, byte[] stringToReplace, int inspectionLocalPort,
                            int inspectionRemotePort, int inspectionDirection, boolean multipleCallouts,
                            long busyThresholdBytes) {
    public static final String STRING_TO_FIND = "StringToFind";
    public static final String STRING_X = "StringX";
    public static final String STRING_TO_REPLACE = "StringToReplace";
    public static final String INSPECTION_LOCAL_PORT = "InspectionLocalPort";
    public static final String INSPECTION_REMOTE_PORT = "InspectionRemotePort";
    public static final String INSPECTION_DIRECTION = "InspectionDirection";
    public static final String MULTIPLE_CALLOUTS = "MultipleCallouts";
    public static final String BUSY_THRESHOLD = "BusyThreshold";

    /** All keys, in the order the sample reads them. */
    public static final List<String> KEYS = List.of(STRING_TO_FIND, STRING_X, STRING_TO_REPLACE, INSPECTION_LOCAL_PORT,
            INSPECTION_REMOTE_PORT, INSPECTION_DIRECTION, MULTIPLE_CALLOUTS, BUSY_THRESHOLD);

    /** InspectionDirection values. */
    public static final int DIRECTION_OUTBOUND = 0;
    public static final int DIRECTION_INBOUND = 1;
    public static final int DIRECTION_BOTH = 2;

    /** The sample's longest string, in bytes. */
    public static final int MAX_STRING_BYTES = 127;

    /** The defaults. */
    public static StmeditConfig defaults() {
        return parse(Map.of(), Set.copyOf(KEYS), "stmedit");
    }

    /**
     * Reads {@code values}: only keys in {@code accepted} may appear; missing ones take their defaults.
     *
     * @param who names the reader in messages (e.g. the callout implementation id)
     * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
     */
    public static StmeditConfig parse(Map<String, ?> values, Set<String> accepted, String who) {
        for (String k : values.keySet()) {
            if (!accepted.contains(k)) {
                String hint = KEYS.contains(k) ? " (" + k + " is " + where(k) + ")" : "";
                throw new IllegalArgumentException(k + ": unknown key for " + who + hint + "; expected one of: "
                        + String.join(", ", new TreeSet<>(accepted)));
            }
        }
        byte[] find = string(values, STRING_TO_FIND, "rainy");
        byte[] x = string(values, STRING_X, "cloudy");
        byte[] replace = string(values, STRING_TO_REPLACE, "sunny");
        int local = (int) integer(values, INSPECTION_LOCAL_PORT, 8888, 0, 65535);
        int remote = (int) integer(values, INSPECTION_REMOTE_PORT, 0, 0, 65535);
        if (local == 0 && remote == 0) local = 8888; // the sample's fallback: never inspect every TCP flow
        int direction = (int) integer(values, INSPECTION_DIRECTION, DIRECTION_BOTH, 0, 2);
        boolean multiple = integer(values, MULTIPLE_CALLOUTS, 1, 0, 0xFFFF_FFFFL) != 0;
        long busy = integer(values, BUSY_THRESHOLD, 16, 1, 1L << 20) * 1024;
        return new StmeditConfig(find, x, replace, local, remote, direction, multiple, busy);
    }

    /** Where a registry value that a callout does not take belongs instead. */
    private static String where(String key) {
        return switch (key) {
            case INSPECTION_LOCAL_PORT, INSPECTION_REMOTE_PORT, INSPECTION_DIRECTION ->
                    "a condition of the flow-established filters, not callout config; see StmeditPolicy";
            case MULTIPLE_CALLOUTS -> "whether the policy has the inline set at all; see StmeditPolicy";
            case STRING_TO_FIND, BUSY_THRESHOLD -> "config of the out-of-band stream callout (stmedit-oob-stream)";
            case STRING_TO_REPLACE -> "config of the inline stream callout (stmedit-inline-stream)";
            default -> "config of the stream callouts";
        };
    }

    private static byte[] string(Map<String, ?> values, String key, String dflt) {
        Object v = values.get(key);
        if (v == null) v = dflt;
        if (!(v instanceof String s)) throw new IllegalArgumentException(key + ": expected a string, got " + v);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException(key + ": '" + s + "' is " + b.length + " bytes (expected: 1-"
                    + MAX_STRING_BYTES + ")");
        }
        return b;
    }

    private static long integer(Map<String, ?> values, String key, long dflt, long min, long max) {
        Object v = values.get(key);
        long n;
        if (v == null) {
            n = dflt;
        } else if (v instanceof Number num && !(v instanceof Double || v instanceof Float)) {
            n = num.longValue();
        } else if (v instanceof String s) {
            try {
                String t = s.trim();
                n = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + ": '" + s + "' is not an integer");
            }
        } else {
            throw new IllegalArgumentException(key + ": expected an integer, got " + v);
        }
        if (n < min || n > max) throw new IllegalArgumentException(key + ": " + n + " is out of range (expected: "
                + min + "-" + max + ")");
        return n;
    }

    /** The values as the registry would hold them (strings as text), for {@link StmeditPolicy}. */
    public Map<String, Object> asRegistryValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(STRING_TO_FIND, new String(stringToFind, StandardCharsets.UTF_8));
        m.put(STRING_X, new String(stringX, StandardCharsets.UTF_8));
        m.put(STRING_TO_REPLACE, new String(stringToReplace, StandardCharsets.UTF_8));
        m.put(INSPECTION_LOCAL_PORT, inspectionLocalPort);
        m.put(INSPECTION_REMOTE_PORT, inspectionRemotePort);
        m.put(INSPECTION_DIRECTION, inspectionDirection);
        m.put(MULTIPLE_CALLOUTS, multipleCallouts ? 1 : 0);
        m.put(BUSY_THRESHOLD, busyThresholdBytes / 1024);
        return m;
    }
}
