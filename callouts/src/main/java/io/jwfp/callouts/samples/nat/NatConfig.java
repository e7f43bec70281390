package io.jwfp.callouts.samples.nat;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a sample's {@code config:} map (its registry values) with errors that name the key, the way a driver fails to
 * load on a bad value. Values come from YAML: numbers, strings or booleans. Addresses must be literals (no name
 * lookup). Immutable after construction; thread-safe.
 */
public final class NatConfig {
    private final String sample;
    private final Map<String, Object> values;

    /**
     * @param sample  the implementation id, used in messages
     * @param values  the policy's config map
     * @param allowed the keys the sample knows; any other key is an error (a misspelt key must not be ignored)
     */
    public NatConfig(String sample, Map<String, Object> values, Set<String> allowed) {
        this.sample = sample;
        this.values = Map.copyOf(values);
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(k + ": unknown key (" + sample + " knows " + String.join(", ",
                        new TreeSet<>(allowed)) + ")");
            }
        }
    }

    public boolean has(String key) {
        return values.containsKey(key) && values.get(key) != null;
    }

    /** An error about {@code key}, for checks between keys. */
    public IllegalArgumentException error(String key, String problem) {
        return new IllegalArgumentException(key + ": " + problem);
    }

    private Object required(String key) {
        if (!has(key)) throw error(key, "missing (" + sample + " needs it)");
        return values.get(key);
    }

    /** An IPv4 or IPv6 literal; absent: null unless {@code required}. */
    public NatAddress address(String key, boolean required) {
        if (!has(key)) {
            if (required) required(key);
            return null;
        }
        String text = String.valueOf(values.get(key)).trim();
        try {
            return NatAddress.of(InetAddress.ofLiteral(text));
        } catch (IllegalArgumentException e) {
            throw error(key, "'" + text + "' is not an IPv4 or IPv6 address");
        }
    }

    /** An integer in [min, max]; absent: {@code dflt} (null: required). */
    public int integer(String key, int min, int max, Integer dflt) {
        if (!has(key)) {
            if (dflt == null) required(key);
            return dflt;
        }
        Object v = values.get(key);
        long n;
        if (v instanceof Number num && !(v instanceof Double) && !(v instanceof Float)) {
            n = num.longValue();
        } else {
            try {
                String t = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
                n = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw error(key, "'" + v + "' is not an integer");
            }
        }
        if (n < min || n > max) throw error(key, n + " is out of range (expected: " + min + "-" + max + ")");
        return (int) n;
    }

    /** A port, 0-65535 ({@code allowZero}) or 1-65535. */
    public int port(String key, boolean allowZero, Integer dflt) {
        return integer(key, allowZero ? 0 : 1, 0xFFFF, dflt);
    }

    /** A MAC address {@code aa-bb-cc-dd-ee-ff} (colons accepted) as a 48-bit number; absent: required. */
    public long mac(String key) {
        String text = String.valueOf(required(key)).trim();
        String[] parts = text.split("[-:]", -1);
        if (parts.length != 6) throw error(key, "'" + text + "' is not a MAC address (expected: aa-bb-cc-dd-ee-ff)");
        long m = 0;
        for (String p : parts) {
            if (p.length() != 2) throw error(key, "'" + text + "' is not a MAC address (expected: aa-bb-cc-dd-ee-ff)");
            try {
                m = m << 8 | Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                throw error(key, "'" + text + "' is not a MAC address (expected: aa-bb-cc-dd-ee-ff)");
            }
        }
        return m;
    }

    /** One of {@code choices} (case-insensitive); absent: {@code dflt}. */
    public String choice(String key, Set<String> choices, String dflt) {
        if (!has(key)) return dflt;
        String v = String.valueOf(values.get(key)).trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) {
            throw error(key, "'" + values.get(key) + "' is not one of " + String.join(", ", new TreeSet<>(choices)));
        }
        return v;
    }
}
