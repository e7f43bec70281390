package io.jwfp.policy;

import io.jwfp.engine.layer.FieldType;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.BuiltinSublayers;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.netsh.NetshWriter;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.Keys;
import io.jwfp.engine.value.Values;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Writes a {@link Policy} as a policy file that {@link PolicyParser} reads back into the same policy: every key
 * explicit, references by name, condition values in the text forms of {@link Values#parseCondition} (checked: a value
 * with no text form that parses back to itself is refused). Used by {@code jwfp import}. Stateless; thread-safe.
 */
public final class PolicyWriter {
    private PolicyWriter() {}

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_./-]*|[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}");
    private static final java.util.Set<String> YAML_WORDS = java.util.Set.of("true", "false", "yes", "no", "on", "off",
            "null", "y", "n", "~");

    /** The policy as YAML, without comments. */
    public static String write(Policy p) {
        return write(p, List.of(), f -> List.of());
    }

    /**
     * The policy as YAML.
     *
     * @param header lines written as comments at the top
     * @param notes  comment lines written above each filter (e.g. where it came from)
     */
    public static String write(Policy p, List<String> header, Function<Policy.Filter, List<String>> notes) {
        StringBuilder sb = new StringBuilder(1 << 16);
        for (String h : header) comment(sb, "", h);
        Map<UUID, String> providers = new HashMap<>(), sublayers = new HashMap<>(), callouts = new HashMap<>();
        sublayers.put(BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL, "FWPM_SUBLAYER_UNIVERSAL");
        sublayers.put(BuiltinSublayers.FWPM_SUBLAYER_INSPECTION, "FWPM_SUBLAYER_INSPECTION");
        for (Policy.Provider o : p.providers()) providers.put(o.key(), o.name());
        for (Policy.Sublayer o : p.sublayers()) sublayers.put(o.key(), o.name());
        for (Policy.Callout o : p.callouts()) callouts.put(o.key(), o.name());

        if (!p.providers().isEmpty()) sb.append("providers:\n");
        for (Policy.Provider o : p.providers()) {
            sb.append("  - name: ").append(q(o.name())).append('\n');
            sb.append("    key: ").append(o.key()).append('\n');
            optional(sb, "description", o.description());
            if (o.persistent()) sb.append("    persistent: true\n");
        }
        if (!p.sublayers().isEmpty()) sb.append("sublayers:\n");
        for (Policy.Sublayer o : p.sublayers()) {
            sb.append("  - name: ").append(q(o.name())).append('\n');
            sb.append("    key: ").append(o.key()).append('\n');
            sb.append("    weight: ").append(String.format("0x%04x", o.weight())).append('\n');
            if (o.providerKey() != null) sb.append("    provider: ").append(ref(providers, o.providerKey())).append('\n');
            optional(sb, "description", o.description());
            if (o.persistent()) sb.append("    persistent: true\n");
        }
        if (!p.callouts().isEmpty()) sb.append("callouts:\n");
        for (Policy.Callout o : p.callouts()) {
            sb.append("  - name: ").append(q(o.name())).append('\n');
            sb.append("    key: ").append(o.key()).append('\n');
            sb.append("    layer: ").append(o.layer().name()).append('\n');
            if (o.implementation() != null) sb.append("    implementation: ").append(q(o.implementation())).append('\n');
            if (!o.config().isEmpty()) {
                throw new IllegalArgumentException("callout " + o.name() + ": writing callout config is not supported");
            }
            if (o.providerKey() != null) sb.append("    provider: ").append(ref(providers, o.providerKey())).append('\n');
            optional(sb, "description", o.description());
            if (o.persistent()) sb.append("    persistent: true\n");
        }
        if (!p.filters().isEmpty()) sb.append("filters:\n");
        for (Policy.Filter f : p.filters()) {
            for (String n : notes.apply(f)) comment(sb, "  ", n);
            sb.append("  - name: ").append(q(f.name())).append('\n');
            sb.append("    key: ").append(f.key()).append('\n');
            sb.append("    layer: ").append(f.layer().name()).append('\n');
            if (f.subLayerKey() != null && !f.subLayerKey().equals(BuiltinSublayers.FWPM_SUBLAYER_UNIVERSAL)) {
                sb.append("    sublayer: ").append(ref(sublayers, f.subLayerKey())).append('\n');
            }
            switch (f.weight()) {
                case FwpValue.Empty e -> { }
                case FwpValue.UInt8 u -> sb.append("    weight: {uint8: ").append(u.value()).append("}\n");
                case FwpValue.UInt64 u -> sb.append("    weight: {uint64: ").append(String.format("0x%016x", u.value())).append("}\n");
                default -> throw new IllegalArgumentException("filter " + f.name() + ": weight " + f.weight().type() + " is not a filter weight");
            }
            if (!f.conditions().isEmpty()) sb.append("    conditions:\n");
            for (FwpmFilterCondition c : f.conditions()) {
                LayerField field = f.layer().field(c.fieldKey());
                String v = field == null ? null : conditionText(c.conditionValue(), field);
                if (v == null) {
                    throw new IllegalArgumentException("filter " + f.name() + ": " + c.fieldKey().name()
                            + " value " + c.conditionValue() + " has no policy-file form");
                }
                sb.append("      - {field: ").append(c.fieldKey().name()).append(", match: ").append(c.matchType().name())
                        .append(", value: ").append(quoteAlways(v)).append("}\n");
            }
            sb.append("    action: ").append(f.action().name()).append('\n');
            if (f.calloutKey() != null) sb.append("    callout: ").append(ref(callouts, f.calloutKey())).append('\n');
            if (f.flags() != 0) {
                sb.append("    flags: [").append(String.join(", ", FilterFlags.names(f.flags()))).append("]\n");
            }
            if (f.providerKey() != null) sb.append("    provider: ").append(ref(providers, f.providerKey())).append('\n');
            if (f.rawContext() != 0) sb.append("    rawContext: ").append(Long.toUnsignedString(f.rawContext())).append('\n');
            optional(sb, "description", f.description());
        }
        return sb.toString();
    }

    /**
     * A condition value as policy-file text that {@link Values#parseCondition} reads back into an equal value for
     * this field, or null when there is none (e.g. a value of another type than the field's).
     */
    public static String conditionText(FwpValue v, LayerField field) {
        String t = candidate(v, field);
        if (t == null) return null;
        try {
            return Values.parseCondition(t, field).equals(v) ? t : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String candidate(FwpValue v, LayerField field) {
        boolean address = field.fieldType() == FieldType.FWPM_FIELD_IP_ADDRESS;
        return switch (v) {
            case FwpValue.Empty e -> "FWP_EMPTY";
            case FwpValue.UInt8 u -> Integer.toString(u.value());
            case FwpValue.UInt16 u -> Integer.toString(u.value());
            case FwpValue.UInt32 u -> address ? Keys.formatIpv4(u.value()) : Long.toString(u.value());
            case FwpValue.UInt64 u -> Long.toUnsignedString(u.value());
            case FwpValue.SignedInt s -> Long.toString(s.value());
            case FwpValue.Floating f -> Double.toString(f.value());
            case FwpValue.ByteArray16 b -> b.toString();
            case FwpValue.ByteArray6 b -> b.toString();
            case FwpValue.ByteBlob b -> blobText(b.bytesUnsafe());
            case FwpValue.Sid s -> s.sid();
            case FwpValue.Sd s -> s.descriptor().sddl();
            case FwpValue.UnicodeString s -> s.value();
            case FwpValue.V4AddrMask m -> {
                int p = m.prefixLength();
                yield Keys.formatIpv4(m.addr() & 0xFFFF_FFFFL) + "/"
                        + (p >= 0 ? Integer.toString(p) : Keys.formatIpv4(m.mask() & 0xFFFF_FFFFL));
            }
            case FwpValue.V6AddrMask m -> v.toString();
            case FwpValue.Range r -> {
                String lo = candidate(r.low(), field), hi = candidate(r.high(), field);
                yield lo == null || hi == null ? null : lo + "-" + hi;
            }
            case FwpValue.Token t -> null;
        };
    }

    /** An app-id-like blob (NUL-terminated UTF-16LE text) as its text, anything else as {@code hex:...}. */
    private static String blobText(byte[] b) {
        String text = NetshWriter.utf16(b); // NUL-terminated UTF-16LE without control characters, else null
        if (text != null && !text.isEmpty() && text.equals(text.strip()) && !text.startsWith("hex:")
                && !text.equalsIgnoreCase("FWP_EMPTY")
                && Arrays.equals(AppIds.encode(text), b)) {
            return text;
        }
        return "hex:" + HexFormat.of().formatHex(b);
    }

    // ---------------------------------------------------------------- YAML text

    private static String ref(Map<UUID, String> names, UUID key) {
        String n = names.get(key);
        return n != null ? q(n) : key.toString();
    }

    private static void optional(StringBuilder sb, String k, String v) {
        if (v != null && !v.isEmpty()) sb.append("    ").append(k).append(": ").append(quoteAlways(v)).append('\n');
    }

    private static void comment(StringBuilder sb, String indent, String text) {
        sb.append(indent).append("# ").append(text.replaceAll("[\\r\\n\\u0085\\u2028\\u2029]+", " ")).append('\n');
    }

    /** A scalar: plain when it is an identifier-like word YAML reads as the same string, else quoted. */
    static String q(String s) {
        if (PLAIN.matcher(s).matches() && !YAML_WORDS.contains(s.toLowerCase(Locale.ROOT))) return s;
        return quoteAlways(s);
    }

    /** A quoted scalar: single quotes, or double quotes with escapes when the text has characters YAML would fold. */
    static String quoteAlways(String s) {
        if (s.codePoints().noneMatch(PolicyWriter::needsEscape)) return "'" + s.replace("'", "''") + "'";
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (needsEscape(c)) sb.append(String.format("\\u%04x", c));
                    else sb.appendCodePoint(c);
                }
            }
        });
        return sb.append('"').toString();
    }

    /** Code points YAML cannot carry literally in a quoted scalar: controls, line separators, BOM, lone surrogates. */
    private static boolean needsEscape(int c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0xFEFF
                || (c >= 0xD800 && c <= 0xDFFF) || c == 0xFFFE || c == 0xFFFF;
    }
}
