package io.jwfp.callouts.samples;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the samples' settings — a policy's {@code config:} map (the drivers' registry values) and the arguments of
 * {@code jwfp callout control} — with one error message style: every problem names the key and says what was
 * expected, so a bad config fails the apply with a line the user can act on. Values come as YAML/JSON scalars or as
 * command-line strings ({@code "80"}, {@code "0x50"}, {@code "10.200.0.2"}). Stateless and thread-safe.
 */
public final class Settings {
    private final String owner;
    private final Map<String, Object> values;

    private Settings(String owner, Map<String, Object> values) {
        this.owner = owner;
        this.values = values == null ? Map.of() : values;
    }

    /**
     * Settings of {@code owner} (e.g. {@code "inspect config"}) that may only use {@code allowed} keys.
     *
     * @throws IllegalArgumentException naming the first unknown key and the allowed ones
     */
    public static Settings of(String owner, Map<String, Object> values, Set<String> allowed) {
        Settings s = new Settings(owner, values);
        for (String k : s.values.keySet()) {
            if (!allowed.contains(k)) {
                throw new IllegalArgumentException(owner + ": unknown key '" + k + "'"
                        + (allowed.isEmpty() ? " (it takes none)" : " (expected: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
            }
        }
        return s;
    }

    /** True if the key was given. */
    public boolean has(String key) {
        return values.containsKey(key) && values.get(key) != null;
    }

    /** An integer in {@code [min, max]}; decimal or {@code 0x} hex; {@code dflt} when absent. */
    public long integer(String key, long min, long max, long dflt) {
        if (!has(key)) return dflt;
        return integer(key, min, max);
    }

    /** A required integer in {@code [min, max]}. */
    public long integer(String key, long min, long max) {
        Object v = required(key);
        long n;
        if (v instanceof Number num && !(v instanceof Double || v instanceof Float)) {
            n = num.longValue();
        } else {
            String t = v.toString().trim();
            try {
                n = t.startsWith("0x") || t.startsWith("0X") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            } catch (NumberFormatException e) {
                throw error(key, "'" + v + "' is not an integer");
            }
        }
        if (n < min || n > max) throw error(key, n + " is out of range (expected " + min + "-" + max + ")");
        return n;
    }

    /** A 0/1 (or true/false) switch, like a REG_DWORD flag; {@code dflt} when absent. */
    public boolean flag(String key, boolean dflt) {
        if (!has(key)) return dflt;
        Object v = values.get(key);
        if (v instanceof Boolean b) return b;
        String t = v.toString().trim();
        if (t.equalsIgnoreCase("true")) return true;
        if (t.equalsIgnoreCase("false")) return false;
        return integer(key, 0, 1) == 1;
    }

    /** A required IPv4 or IPv6 address literal (no host names: nothing is looked up). */
    public InetAddress address(String key) {
        String t = required(key).toString().trim();
        if (t.isEmpty() || !(t.indexOf(':') >= 0 || t.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            throw error(key, "'" + t + "' is not an IPv4 or IPv6 address literal");
        }
        try {
            return InetAddress.getByName(t);
        } catch (UnknownHostException e) {
            throw error(key, "'" + t + "' is not an IPv4 or IPv6 address literal");
        }
    }

    /** A required string of hex digits (spaces and colons ignored), as bytes. */
    public byte[] hex(String key) {
        String t = required(key).toString().replaceAll("[\\s:]", "");
        if (t.startsWith("0x") || t.startsWith("0X")) t = t.substring(2);
        if (t.length() % 2 != 0 || !t.matches("[0-9a-fA-F]*")) {
            throw error(key, "expected hex bytes (two digits each), got '" + required(key) + "'");
        }
        byte[] b = new byte[t.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(t.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    private Object required(String key) {
        if (!has(key)) throw error(key, "missing");
        return values.get(key);
    }

    private IllegalArgumentException error(String key, String what) {
        return new IllegalArgumentException(owner + ": " + key + ": " + what);
    }

    /** The error for a control command a callout does not know, listing the ones it does. */
    public static IllegalArgumentException unknownCommand(String callout, String command, String... commands) {
        return new IllegalArgumentException(callout + ": unknown command '" + command + "' (commands: "
                + String.join(", ", commands) + ")");
    }
}
