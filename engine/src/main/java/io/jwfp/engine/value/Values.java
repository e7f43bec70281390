package io.jwfp.engine.value;

import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.FieldType;
import io.jwfp.engine.layer.LayerField;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Text to values and back, for people: policy files, {@code jwfp explain --field}, traces. Every parse error is an
 * {@link IllegalArgumentException} whose message says what was expected.
 */
public final class Values {
    private Values() {}

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    /**
     * Parses a condition value for a field: single values, {@code lo-hi} ranges, address prefixes, protocol, direction
     * and flag names, app paths, user ids. The result's type is what FWPM_FILTER_CONDITION0 would carry.
     */
    public static FwpValue parseCondition(String text, LayerField field) {
        String t = text.trim();
        if (t.isEmpty()) throw new IllegalArgumentException("empty value for " + field.condition().name());
        DataType dt = field.dataType();
        if (t.equalsIgnoreCase("FWP_EMPTY")) return FwpValue.EMPTY;
        switch (dt) {
            case FWP_TOKEN_ACCESS_INFORMATION_TYPE, FWP_TOKEN_INFORMATION_TYPE -> {
                return new FwpValue.Sd(parseSecurityDescriptor(t));
            }
            case FWP_BYTE_BLOB_TYPE -> {
                return new FwpValue.ByteBlob(parseBlob(t, field));
            }
            case FWP_SID -> {
                return new FwpValue.Sid(parseSid(t));
            }
            case FWP_UNICODE_STRING_TYPE -> {
                return new FwpValue.UnicodeString(t);
            }
            default -> { }
        }
        if (dt == DataType.FWP_UINT32 && field.fieldType() == FieldType.FWPM_FIELD_IP_ADDRESS) {
            int slash = t.indexOf('/');
            if (slash > 0) {
                int addr = ipv4(t.substring(0, slash), field);
                String p = t.substring(slash + 1);
                int mask;
                if (IPV4.matcher(p).matches()) {
                    mask = ipv4(p, field);
                } else {
                    int len = prefixLength(p, 32, field);
                    mask = FwpValue.V4AddrMask.maskOf(len);
                }
                return new FwpValue.V4AddrMask(addr, mask);
            }
        }
        if (dt == DataType.FWP_BYTE_ARRAY16_TYPE) {
            int slash = t.indexOf('/');
            if (slash > 0) {
                byte[] a = ipv6(t.substring(0, slash), field);
                return new FwpValue.V6AddrMask(a, prefixLength(t.substring(slash + 1), 128, field));
            }
        }
        int dash = rangeDash(t);
        if (dash > 0) {
            FwpValue lo = parseSingle(t.substring(0, dash), field);
            FwpValue hi = parseSingle(t.substring(dash + 1), field);
            return new FwpValue.Range(lo, hi);
        }
        return parseSingle(t, field);
    }

    /** Parses one incoming value for a field (no ranges or masks); a user id becomes a token. */
    public static FwpValue parseIncoming(String text, LayerField field) {
        String t = text.trim();
        if (t.equalsIgnoreCase("FWP_EMPTY")) return FwpValue.EMPTY;
        DataType dt = field.dataType();
        if (dt == DataType.FWP_TOKEN_ACCESS_INFORMATION_TYPE || dt == DataType.FWP_TOKEN_INFORMATION_TYPE) {
            return new FwpValue.Token(UnixUsers.token(t));
        }
        if (dt == DataType.FWP_BYTE_BLOB_TYPE) return new FwpValue.ByteBlob(parseBlob(t, field));
        if (dt == DataType.FWP_SID) return new FwpValue.Sid(parseSid(t));
        if (dt == DataType.FWP_UNICODE_STRING_TYPE) return new FwpValue.UnicodeString(t);
        return parseSingle(t, field);
    }

    private static int rangeDash(String t) {
        // A '-' that separates two values: not a leading minus sign; IPv4/IPv6 text has no '-'.
        int i = t.indexOf('-', 1);
        return i > 0 && i < t.length() - 1 ? i : -1;
    }

    private static FwpValue parseSingle(String text, LayerField field) {
        String t = text.trim();
        DataType dt = field.dataType();
        String cond = field.condition().name();
        return switch (dt) {
            case FWP_UINT8 -> new FwpValue.UInt8((int) unsigned(t, field, 0xFFL));
            case FWP_UINT16 -> new FwpValue.UInt16((int) unsigned(t, field, 0xFFFFL));
            case FWP_UINT32 -> {
                if (field.fieldType() == FieldType.FWPM_FIELD_IP_ADDRESS && IPV4.matcher(t).matches()) {
                    yield new FwpValue.UInt32(ipv4(t, field) & 0xFFFF_FFFFL);
                }
                yield new FwpValue.UInt32(unsigned(t, field, 0xFFFF_FFFFL));
            }
            case FWP_UINT64 -> new FwpValue.UInt64(unsigned(t, field, -1L));
            case FWP_INT8, FWP_INT16, FWP_INT32, FWP_INT64 -> {
                try {
                    yield new FwpValue.SignedInt(dt, Long.decode(t));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(cond + ": '" + t + "' is not an integer");
                }
            }
            case FWP_FLOAT, FWP_DOUBLE -> {
                try {
                    yield new FwpValue.Floating(dt, Double.parseDouble(t));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(cond + ": '" + t + "' is not a number");
                }
            }
            case FWP_BYTE_ARRAY16_TYPE -> new FwpValue.ByteArray16(ipv6(t, field));
            case FWP_BYTE_ARRAY6_TYPE -> new FwpValue.ByteArray6(mac(t, field));
            case FWP_BYTE_BLOB_TYPE -> new FwpValue.ByteBlob(parseBlob(t, field));
            case FWP_SID -> new FwpValue.Sid(parseSid(t));
            case FWP_UNICODE_STRING_TYPE -> new FwpValue.UnicodeString(t);
            default -> throw new IllegalArgumentException(cond + ": values of type " + dt + " cannot be written as text");
        };
    }

    private static long unsigned(String t, LayerField field, long max) {
        String cond = field.condition().name();
        if (field.condition() == Conditions.FWPM_CONDITION_IP_PROTOCOL) {
            Integer p = protocol(t);
            if (p != null) return p;
        }
        if (field.condition() == Conditions.FWPM_CONDITION_FLAGS
                || field.condition() == Conditions.FWPM_CONDITION_ALE_REAUTH_REASON
                || field.condition() == Conditions.FWPM_CONDITION_REAUTHORIZE_REASON
                || field.condition() == Conditions.FWPM_CONDITION_L2_FLAGS
                || field.condition() == Conditions.FWPM_CONDITION_DIRECTION
                || Character.isLetter(t.charAt(0)) && !t.startsWith("0x")) {
            if (t.indexOf('|') >= 0 || t.indexOf(',') >= 0 || Character.isLetter(t.charAt(0))) {
                long v = 0;
                for (String part : t.split("[|,]")) {
                    String p = part.trim();
                    Integer bit = ConditionFlags.byName(p);
                    if (bit == null) {
                        try {
                            bit = (int) Long.decode(p).longValue();
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException(cond + ": unknown name '" + p
                                    + "' (expected a number, or FWP_CONDITION_FLAG_*/FWP_DIRECTION_* names)");
                        }
                    }
                    v |= bit & 0xFFFF_FFFFL;
                }
                return v;
            }
        }
        long v;
        try {
            v = t.startsWith("0x") || t.startsWith("0X") ? Long.parseUnsignedLong(t.substring(2), 16)
                    : Long.parseUnsignedLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(cond + ": '" + t + "' is not a number"
                    + (field.condition() == Conditions.FWPM_CONDITION_IP_PROTOCOL ? " or protocol name (tcp, udp, icmp, icmpv6)" : ""));
        }
        if (max != -1L && Long.compareUnsigned(v, max) > 0) {
            throw new IllegalArgumentException(cond + ": " + t + " is out of range (expected: 0-" + max + ")");
        }
        return v;
    }

    /** IANA protocol number of a name (tcp, udp, icmp, icmpv6, ...), or null. */
    public static Integer protocol(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "icmp" -> 1;
            case "igmp" -> 2;
            case "tcp" -> 6;
            case "udp" -> 17;
            case "gre" -> 47;
            case "esp" -> 50;
            case "ah" -> 51;
            case "icmpv6", "ipv6-icmp" -> 58;
            case "sctp" -> 132;
            default -> null;
        };
    }

    /** The conventional name of an IP protocol number, or its number as text. */
    public static String protocolName(int p) {
        return switch (p) {
            case 1 -> "icmp";
            case 2 -> "igmp";
            case 6 -> "tcp";
            case 17 -> "udp";
            case 47 -> "gre";
            case 50 -> "esp";
            case 51 -> "ah";
            case 58 -> "icmpv6";
            case 132 -> "sctp";
            default -> Integer.toString(p);
        };
    }

    private static int prefixLength(String p, int max, LayerField field) {
        try {
            int n = Integer.parseInt(p.trim());
            if (n < 0 || n > max) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field.condition().name() + ": bad prefix length '/" + p + "' (expected: 0-" + max + ")");
        }
    }

    /** An IPv4 address as WFP's host-order UINT32. */
    public static int ipv4(String t, LayerField field) {
        if (!IPV4.matcher(t.trim()).matches()) {
            throw new IllegalArgumentException(name(field) + "'" + t + "' is not an IPv4 address");
        }
        String[] p = t.trim().split("\\.");
        int v = 0;
        for (String s : p) {
            int o = Integer.parseInt(s);
            if (o > 255) throw new IllegalArgumentException(name(field) + "'" + t + "' is not an IPv4 address");
            v = (v << 8) | o;
        }
        return v;
    }

    /** The 16 bytes of an IPv6 address (text without zone). */
    public static byte[] ipv6(String t, LayerField field) {
        String s = t.trim();
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
        if (s.indexOf(':') < 0 || !s.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException(name(field) + "'" + t + "' is not an IPv6 address");
        }
        try {
            // Literal parsing only: the pattern above rules out host names, so no lookup happens.
            byte[] a = InetAddress.getByName(s).getAddress();
            if (a.length == 4) { // an IPv4-mapped literal collapses to 4 bytes
                byte[] m = new byte[16];
                m[10] = m[11] = (byte) 0xFF;
                System.arraycopy(a, 0, m, 12, 4);
                return m;
            }
            return a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(name(field) + "'" + t + "' is not an IPv6 address");
        }
    }

    private static byte[] mac(String t, LayerField field) {
        String hex = t.replace(":", "").replace("-", "");
        if (hex.length() != 12) throw new IllegalArgumentException(name(field) + "'" + t + "' is not a MAC address");
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name(field) + "'" + t + "' is not a MAC address");
        }
    }

    private static byte[] parseBlob(String t, LayerField field) {
        if (t.startsWith("hex:")) {
            try {
                return HexFormat.of().parseHex(t.substring(4));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name(field) + "bad hex blob '" + t + "'");
            }
        }
        return AppIds.encode(t);
    }

    private static String parseSid(String t) {
        if (!t.toUpperCase(Locale.ROOT).startsWith("S-1-")) throw new IllegalArgumentException("'" + t + "' is not a SID (S-1-...)");
        return t.toUpperCase(Locale.ROOT);
    }

    /**
     * A security descriptor from SDDL ({@code O:LSD:(A;;CC;;;S-1-22-1-1000)}) or a comma-separated list of users and
     * groups: {@code uid:1000}, {@code gid:27}, {@code user:alice}, {@code group:wheel}, a bare user name, or a SID.
     */
    public static SecurityDescriptor parseSecurityDescriptor(String t) {
        if (t.startsWith("O:") || t.startsWith("D:") || t.startsWith("G:")) return SecurityDescriptor.parse(t);
        List<String> sids = new ArrayList<>();
        for (String part : t.split(",")) sids.add(UnixUsers.sid(part.trim()));
        return SecurityDescriptor.allowing(sids);
    }

    private static String name(LayerField field) {
        return field == null ? "" : field.condition().name() + ": ";
    }

    /** A value as a person reads it for a field: dotted quads for IPv4 address fields, flag and direction names. */
    public static String format(FwpValue v, LayerField field) {
        if (field != null) {
            if (v instanceof FwpValue.UInt32 u && field.fieldType() == FieldType.FWPM_FIELD_IP_ADDRESS) {
                return Keys.formatIpv4(u.value());
            }
            if (v instanceof FwpValue.UInt32 u && field.condition() == Conditions.FWPM_CONDITION_FLAGS) {
                return ConditionFlags.describeFlags(u.value());
            }
            if (v instanceof FwpValue.UInt32 u && field.condition() == Conditions.FWPM_CONDITION_DIRECTION) {
                return u.value() == 0 ? "FWP_DIRECTION_OUTBOUND" : u.value() == 1 ? "FWP_DIRECTION_INBOUND" : u.toString();
            }
            if (v instanceof FwpValue.Range r) return format(r.low(), field) + "-" + format(r.high(), field);
        }
        return v.toString();
    }
}
