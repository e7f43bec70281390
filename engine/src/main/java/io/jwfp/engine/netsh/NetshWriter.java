package io.jwfp.engine.netsh;

import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.FieldType;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.FilterFlags;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.netsh.NetshDump.Callout;
import io.jwfp.engine.netsh.NetshDump.Condition;
import io.jwfp.engine.netsh.NetshDump.Field;
import io.jwfp.engine.netsh.NetshDump.Filter;
import io.jwfp.engine.netsh.NetshDump.Kind;
import io.jwfp.engine.netsh.NetshDump.LayerEntry;
import io.jwfp.engine.netsh.NetshDump.Provider;
import io.jwfp.engine.netsh.NetshDump.ProviderContext;
import io.jwfp.engine.netsh.NetshDump.Session;
import io.jwfp.engine.netsh.NetshDump.SubLayer;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.Keys;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Writes a {@link NetshDump} in the element structure {@code netsh wfp show filters} ({@code wfpdiag}) and
 * {@code netsh wfp show state} ({@code wfpstate}) use: tab-indented UTF-8 XML, keys of well-known objects by their
 * symbolic names, IPv4 addresses as dotted quads, blobs as {@code data} + {@code asString}. Also builds the dump
 * records from jwfp's management objects ({@link #filter(FwpmFilter)} and friends). What jwfp does not have (IPsec
 * security associations, ALE endpoints, statistics) is not written. Stateless; thread-safe.
 */
public final class NetshWriter {
    private NetshWriter() {}

    private static final HexFormat HEX = HexFormat.of();

    // ---------------------------------------------------------------- jwfp objects as dump records

    /** A filter as netsh prints it (jwfp has no provider contexts, so the union is always {@code rawContext}). */
    public static Filter filter(FwpmFilter f) {
        List<Condition> conds = new ArrayList<>();
        for (FwpmFilterCondition c : f.filterCondition()) {
            conds.add(new Condition(c.fieldKey().name(), c.matchType().name(), c.conditionValue(), null));
        }
        return new Filter(braces(f.filterKey()), f.displayData().name(), f.displayData().description(),
                FilterFlags.names(f.flags()), NetshNames.format(f.providerKey()), f.providerData(), f.layerKey().name(),
                NetshNames.format(f.subLayerKey()), f.weight(), conds, f.action().type().name(),
                f.action().calloutKey() == null ? null : NetshNames.format(f.action().calloutKey()), f.rawContext(), null,
                f.filterId(), f.effectiveWeight());
    }

    public static Provider provider(FwpmProvider p) {
        List<String> flags = new ArrayList<>();
        if ((p.flags() & FwpmProvider.FWPM_PROVIDER_FLAG_PERSISTENT) != 0) flags.add("FWPM_PROVIDER_FLAG_PERSISTENT");
        if ((p.flags() & FwpmProvider.FWPM_PROVIDER_FLAG_DISABLED) != 0) flags.add("FWPM_PROVIDER_FLAG_DISABLED");
        return new Provider(NetshNames.format(p.providerKey()), p.displayData().name(), p.displayData().description(),
                flags, p.providerData(), p.serviceName());
    }

    public static SubLayer subLayer(FwpmSubLayer s) {
        List<String> flags = s.isPersistent() ? List.of("FWPM_SUBLAYER_FLAG_PERSISTENT") : List.of();
        return new SubLayer(NetshNames.format(s.subLayerKey()), s.displayData().name(), s.displayData().description(),
                flags, NetshNames.format(s.providerKey()), s.providerData(), s.weight());
    }

    public static Callout callout(FwpmCallout c) {
        List<String> flags = new ArrayList<>();
        if ((c.flags() & FwpmCallout.FWPM_CALLOUT_FLAG_PERSISTENT) != 0) flags.add("FWPM_CALLOUT_FLAG_PERSISTENT");
        if ((c.flags() & FwpmCallout.FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT) != 0) flags.add("FWPM_CALLOUT_FLAG_USES_PROVIDER_CONTEXT");
        if ((c.flags() & FwpmCallout.FWPM_CALLOUT_FLAG_REGISTERED) != 0) flags.add("FWPM_CALLOUT_FLAG_REGISTERED");
        return new Callout(NetshNames.format(c.calloutKey()), c.displayData().name(), c.displayData().description(), flags,
                NetshNames.format(c.providerKey()), c.providerData(), c.applicableLayer().name(), c.calloutId());
    }

    /** A layer with its fields; every jwfp layer is a kernel built-in whose default sublayer is the universal one. */
    public static LayerEntry layer(Layer l) {
        List<Field> fields = new ArrayList<>();
        for (LayerField f : l.fields()) fields.add(new Field(f.condition().name(), f.fieldType().name(), f.dataType().name()));
        return new LayerEntry(l.name(), l.displayName(), "", List.of("FWPM_LAYER_FLAG_KERNEL", "FWPM_LAYER_FLAG_BUILTIN"),
                fields, "FWPM_SUBLAYER_UNIVERSAL", l.layerId());
    }

    private static String braces(UUID k) {
        return k == null ? "" : "{" + k + "}";
    }

    // ---------------------------------------------------------------- XML

    /** The dump as netsh XML. */
    public static String write(NetshDump d) {
        Xml x = new Xml();
        x.sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
        x.open(d.kind().root());
        if (d.kind() == Kind.FILTERS) {
            x.open("filters");
            for (Filter f : d.filters()) filter(x, f);
            x.close("filters");
            providers(x, d.providers());
        } else {
            if (d.timeStamp() != null) x.leaf("timeStamp", d.timeStamp());
            x.list("sessions", d.sessions().size());
            for (Session s : d.sessions()) session(x, s);
            x.endList("sessions", d.sessions().size());
            x.list("layers", d.layers().size());
            for (LayerEntry l : d.layers()) {
                x.open("item");
                layerEntry(x, l);
                List<Callout> cs = d.callouts().stream().filter(c -> l.layerKey().equals(c.applicableLayer())).toList();
                x.list("callouts", cs.size());
                for (Callout c : cs) callout(x, c);
                x.endList("callouts", cs.size());
                List<Filter> fs = d.filters().stream().filter(f -> l.layerKey().equals(f.layerKey())).toList();
                x.list("filters", fs.size());
                for (Filter f : fs) filter(x, f);
                x.endList("filters", fs.size());
                x.close("item");
            }
            x.endList("layers", d.layers().size());
            providers(x, d.providers());
            x.list("providerContexts", d.providerContexts().size());
            for (ProviderContext pc : d.providerContexts()) {
                x.open("item");
                x.leaf("providerContextKey", pc.providerContextKey());
                display(x, pc.name(), "");
                x.leaf("providerKey", pc.providerKey());
                x.leaf("type", pc.type());
                x.close("item");
            }
            x.endList("providerContexts", d.providerContexts().size());
            x.list("subLayers", d.subLayers().size());
            for (SubLayer s : d.subLayers()) {
                x.open("item");
                x.leaf("subLayerKey", s.subLayerKey());
                display(x, s.name(), s.description());
                flags(x, s.flags());
                x.leaf("providerKey", s.providerKey());
                data(x, "providerData", s.providerData(), false);
                x.leaf("weight", Integer.toString(s.weight()));
                x.close("item");
            }
            x.endList("subLayers", d.subLayers().size());
        }
        x.close(d.kind().root());
        return x.sb.toString();
    }

    private static void providers(Xml x, List<Provider> ps) {
        x.list("providers", ps.size());
        for (Provider p : ps) {
            x.open("item");
            x.leaf("providerKey", p.providerKey());
            display(x, p.name(), p.description());
            flags(x, p.flags());
            data(x, "providerData", p.providerData(), false);
            x.leaf("serviceName", p.serviceName());
            x.close("item");
        }
        x.endList("providers", ps.size());
    }

    private static void session(Xml x, Session s) {
        x.open("item");
        x.leaf("sessionKey", s.sessionKey());
        display(x, s.name(), s.description());
        flags(x, s.flags());
        x.leaf("txnWaitTimeoutInMSec", Long.toString(s.txnWaitTimeoutInMSec()));
        x.leaf("processId", Long.toString(s.processId()));
        x.leaf("sid", s.sid());
        x.leaf("username", s.username());
        x.leaf("kernelMode", Boolean.toString(s.kernelMode()));
        x.close("item");
    }

    private static void layerEntry(Xml x, LayerEntry l) {
        x.open("layer");
        x.leaf("layerKey", l.layerKey());
        display(x, l.name(), l.description());
        flags(x, l.flags());
        x.list("field", l.fields().size());
        for (Field f : l.fields()) {
            x.open("item");
            x.leaf("fieldKey", f.fieldKey());
            x.leaf("type", f.type());
            x.leaf("dataType", f.dataType());
            x.close("item");
        }
        x.endList("field", l.fields().size());
        x.leaf("defaultSubLayerKey", l.defaultSubLayerKey());
        x.leaf("layerId", Integer.toString(l.layerId()));
        x.close("layer");
    }

    private static void callout(Xml x, Callout c) {
        x.open("item");
        x.leaf("calloutKey", c.calloutKey());
        display(x, c.name(), c.description());
        flags(x, c.flags());
        x.leaf("providerKey", c.providerKey());
        data(x, "providerData", c.providerData(), false);
        x.leaf("applicableLayer", c.applicableLayer());
        x.leaf("calloutId", Long.toString(c.calloutId()));
        x.close("item");
    }

    private static void filter(Xml x, Filter f) {
        x.open("item");
        x.leaf("filterKey", f.filterKey());
        display(x, f.name(), f.description());
        flags(x, f.flags());
        x.leaf("providerKey", f.providerKey());
        data(x, "providerData", f.providerData(), false);
        x.leaf("layerKey", f.layerKey());
        x.leaf("subLayerKey", f.subLayerKey());
        x.open("weight");
        value(x, f.weight(), null);
        x.close("weight");
        x.list("filterCondition", f.conditions().size());
        Layer layer = Layer.byName(f.layerKey());
        for (Condition c : f.conditions()) {
            if (c.value() == null) throw new IllegalArgumentException("condition on " + c.fieldKey() + " has no value: " + c.problem());
            x.open("item");
            x.leaf("fieldKey", c.fieldKey());
            x.leaf("matchType", c.matchType());
            x.open("conditionValue");
            value(x, c.value(), field(layer, c.fieldKey()));
            x.close("conditionValue");
            x.close("item");
        }
        x.endList("filterCondition", f.conditions().size());
        x.open("action");
        x.leaf("type", f.actionType());
        x.leaf("filterType", f.filterType());
        x.close("action");
        if (f.providerContextKey() != null) x.leaf("providerContextKey", f.providerContextKey());
        else x.leaf("rawContext", Long.toUnsignedString(f.rawContext() == null ? 0 : f.rawContext()));
        x.leaf("reserved", null);
        x.leaf("filterId", Long.toUnsignedString(f.filterId()));
        if (f.effectiveWeight() != null) {
            x.open("effectiveWeight");
            x.leaf("type", "FWP_UINT64");
            x.leaf("uint64", Long.toUnsignedString(f.effectiveWeight()));
            x.close("effectiveWeight");
        }
        x.close("item");
    }

    private static LayerField field(Layer layer, String fieldKey) {
        ConditionKey k = Conditions.byName(fieldKey);
        return layer == null || k == null ? null : layer.field(k);
    }

    /** {@code <type>} and the typed element of FWP_VALUE0 / FWP_CONDITION_VALUE0 (netsh's union member names). */
    private static void value(Xml x, FwpValue v, LayerField field) {
        x.leaf("type", v.type().name());
        boolean address = field != null && field.fieldType() == FieldType.FWPM_FIELD_IP_ADDRESS;
        switch (v) {
            case FwpValue.Empty e -> { }
            case FwpValue.UInt8 u -> x.leaf("uint8", Integer.toString(u.value()));
            case FwpValue.UInt16 u -> x.leaf("uint16", Integer.toString(u.value()));
            case FwpValue.UInt32 u -> x.leaf("uint32", address ? Keys.formatIpv4(u.value()) : Long.toString(u.value()));
            case FwpValue.UInt64 u -> x.leaf("uint64", Long.toUnsignedString(u.value()));
            case FwpValue.SignedInt s -> x.leaf(switch (s.type()) {
                case FWP_INT8 -> "int8";
                case FWP_INT16 -> "int16";
                case FWP_INT32 -> "int32";
                default -> "int64";
            }, Long.toString(s.value()));
            case FwpValue.Floating f -> x.leaf(f.type() == io.jwfp.engine.value.DataType.FWP_FLOAT ? "float32" : "double64",
                    Double.toString(f.value()));
            case FwpValue.ByteArray16 b -> x.leaf("byteArray16", b.toString());
            case FwpValue.ByteArray6 b -> x.leaf("byteArray6", b.toString());
            case FwpValue.ByteBlob b -> data(x, "byteBlob", b.bytesUnsafe(), true);
            case FwpValue.Sid s -> x.leaf("sid", s.sid());
            case FwpValue.Sd s -> x.leaf("sd", s.descriptor().sddl());
            case FwpValue.UnicodeString s -> x.leaf("unicodeString", s.value());
            case FwpValue.V4AddrMask m -> {
                x.open("v4AddrMask");
                x.leaf("addr", Keys.formatIpv4(m.addr() & 0xFFFF_FFFFL));
                x.leaf("mask", Keys.formatIpv4(m.mask() & 0xFFFF_FFFFL));
                x.close("v4AddrMask");
            }
            case FwpValue.V6AddrMask m -> {
                x.open("v6AddrMask");
                x.leaf("addr", Keys.formatIpv6(m.keyHi(), m.keyLo()));
                x.leaf("prefixLength", Integer.toString(m.prefixLength()));
                x.close("v6AddrMask");
            }
            case FwpValue.Range r -> {
                x.open("rangeValue");
                x.open("valueLow");
                value(x, r.low(), field);
                x.close("valueLow");
                x.open("valueHigh");
                value(x, r.high(), field);
                x.close("valueHigh");
                x.close("rangeValue");
            }
            case FwpValue.Token t -> throw new IllegalArgumentException("a token is an incoming value, not a condition value");
        }
    }

    private static void display(Xml x, String name, String description) {
        x.open("displayData");
        x.leaf("name", name);
        x.leaf("description", description);
        x.close("displayData");
    }

    private static void flags(Xml x, List<String> flags) {
        x.list("flags", flags.size());
        for (String f : flags) x.leaf("item", f);
        x.endList("flags", flags.size());
    }

    /** A blob as netsh prints it: hex {@code data} and {@code asString}. */
    private static void data(Xml x, String tag, byte[] d, boolean conditionValue) {
        if (d.length == 0) {
            x.leaf(tag, null);
            return;
        }
        x.open(tag);
        x.leaf("data", HEX.formatHex(d));
        x.leaf("asString", asString(d, conditionValue));
        x.close(tag);
    }

    /**
     * netsh's {@code asString}: for a condition's blob that is a NUL-terminated UTF-16LE string (app ids), the string;
     * otherwise (provider data always) one character per byte, with {@code .} for bytes that are not printable ASCII
     * and for {@code & < >}. This reproduces all 4,885 {@code asString}s of the two real dumps (NetshReaderWriterTest).
     */
    public static String asString(byte[] d, boolean conditionValue) {
        String s = conditionValue ? utf16(d) : null;
        if (s != null) return s;
        StringBuilder sb = new StringBuilder(d.length);
        for (byte b : d) sb.append(b >= 0x20 && b < 0x7F && b != '&' && b != '<' && b != '>' ? (char) b : '.');
        return sb.toString();
    }

    /** The text of a NUL-terminated UTF-16LE blob without control characters, or null when it is not one. */
    public static String utf16(byte[] d) {
        if (d.length < 4 || (d.length & 1) != 0 || d[d.length - 1] != 0 || d[d.length - 2] != 0) return null;
        String s;
        try {
            s = StandardCharsets.UTF_16LE.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(d, 0, d.length - 2)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        for (int i = 0; i < s.length(); i++) if (Character.isISOControl(s.charAt(i))) return null;
        return s;
    }

    /** A small tab-indenting XML builder. */
    private static final class Xml {
        final StringBuilder sb = new StringBuilder(1 << 16);
        int depth;

        void indent() {
            for (int i = 0; i < depth; i++) sb.append('\t');
        }

        void open(String tag) {
            indent();
            sb.append('<').append(tag).append(">\n");
            depth++;
        }

        void close(String tag) {
            depth--;
            indent();
            sb.append("</").append(tag).append(">\n");
        }

        /** Opens a container with {@code numItems}, or writes it empty. */
        void list(String tag, int n) {
            indent();
            if (n == 0) {
                sb.append('<').append(tag).append("/>\n");
                return;
            }
            sb.append('<').append(tag).append(" numItems=\"").append(n).append("\">\n");
            depth++;
        }

        void endList(String tag, int n) {
            if (n > 0) close(tag);
        }

        void leaf(String tag, String text) {
            indent();
            if (text == null || text.isEmpty()) {
                sb.append('<').append(tag).append("/>\n");
                return;
            }
            sb.append('<').append(tag).append('>');
            escape(text);
            sb.append("</").append(tag).append(">\n");
        }

        void escape(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '&' -> sb.append("&amp;");
                    case '<' -> sb.append("&lt;");
                    case '>' -> sb.append("&gt;");
                    case '\r' -> sb.append("&#13;");
                    default -> {
                        // Characters XML 1.0 cannot carry at all are replaced rather than producing a broken document.
                        boolean ok = c == '\t' || c == '\n' || (c >= 0x20 && c != 0xFFFE && c != 0xFFFF);
                        sb.append(ok ? c : '\uFFFD');
                    }
                }
            }
        }
    }
}
