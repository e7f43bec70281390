package io.jwfp.engine.netsh;

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
import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.SecurityDescriptor;
import io.jwfp.engine.value.Values;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads {@code netsh wfp show filters} and {@code netsh wfp show state} dumps into a {@link NetshDump}. Tolerates
 * what netsh really writes: a UTF-8 byte-order mark, and for {@code show state} a second top-level element
 * ({@code firewallState}) after {@code </wfpstate>}, which makes the file not single-rooted XML. Reads jwfp's own
 * output ({@link NetshWriter}) too. Problems are {@link NetshFormatException}s naming the file (and the line when the
 * XML itself is broken). Stateless; thread-safe.
 */
public final class NetshReader {
    private NetshReader() {}

    private static final Pattern DECLARATION = Pattern.compile("^\\s*<\\?xml[^>]*\\?>");
    private static final HexFormat HEX = HexFormat.of();

    /** A dump that cannot be read: the message names the file and what is wrong. */
    public static final class NetshFormatException extends IllegalArgumentException {
        public NetshFormatException(String message) {
            super(message);
        }
    }

    /** Reads a dump file. */
    public static NetshDump read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NetshFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new NetshFormatException(file + ": cannot read: " + e.getMessage());
        }
        return parse(decode(bytes), file.toString());
    }

    /** Reads a dump from a stream (e.g. a class-path resource); {@code name} is used in messages. */
    public static NetshDump read(InputStream in, String name) throws IOException {
        return parse(decode(in.readAllBytes()), name);
    }

    /** Text of a dump: UTF-8 (netsh's encoding, with or without a BOM), or UTF-16 when it starts with a UTF-16 BOM. */
    static String decode(byte[] b) {
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xFE) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
        }
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFE && (b[1] & 0xFF) == 0xFF) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
        }
        String s = new String(b, StandardCharsets.UTF_8);
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** Parses dump text; {@code name} is used in messages. */
    public static NetshDump parse(String text, String name) {
        Document doc = document(text, name);
        Element root = null;
        for (Node n = doc.getDocumentElement().getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                root = e;
                break;
            }
        }
        if (root == null) throw new NetshFormatException(name + ": empty document (expected a netsh wfp dump)");
        Kind kind = switch (root.getTagName()) {
            case "wfpdiag" -> Kind.FILTERS;
            case "wfpstate" -> Kind.STATE;
            default -> throw new NetshFormatException(name + ": not a netsh wfp dump (root element <" + root.getTagName()
                    + ">; expected <wfpdiag> from `netsh wfp show filters` or <wfpstate> from `netsh wfp show state`)");
        };
        try {
            return kind == Kind.FILTERS ? filtersDump(root, name) : stateDump(root, name);
        } catch (NetshFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new NetshFormatException(name + ": " + e.getMessage());
        }
    }

    private static Document document(String text, String name) {
        // Drop the declaration and wrap everything in one element: netsh's show-state output has two top-level
        // elements. The wrapper goes on the first line, so SAX line numbers stay those of the file.
        String body = DECLARATION.matcher(text).replaceFirst("");
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setExpandEntityReferences(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://javax.xml.XMLConstants/feature/secure-processing", true);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // throws on fatal errors, prints nothing
            return builder.parse(new InputSource(new StringReader("<netsh>" + body + "</netsh>")));
        } catch (SAXParseException e) {
            throw new NetshFormatException(name + ":" + e.getLineNumber() + ": not well-formed XML: " + e.getMessage());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new NetshFormatException(name + ": cannot parse XML: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- the two kinds

    private static NetshDump filtersDump(Element root, String name) {
        List<Filter> filters = new ArrayList<>();
        int i = 0;
        for (Element it : items(child(root, "filters"))) filters.add(filter(it, name, i++));
        List<Provider> providers = new ArrayList<>();
        for (Element it : items(child(root, "providers"))) providers.add(provider(it));
        return new NetshDump(Kind.FILTERS, name, null, List.of(), List.of(), providers, List.of(), List.of(), List.of(),
                filters);
    }

    private static NetshDump stateDump(Element root, String name) {
        List<Session> sessions = new ArrayList<>();
        for (Element it : items(child(root, "sessions"))) {
            sessions.add(new Session(text(it, "sessionKey"), displayName(it), displayDescription(it), flags(it),
                    longOr(text(it, "txnWaitTimeoutInMSec"), 0), longOr(text(it, "processId"), 0), text(it, "sid"),
                    text(it, "username"), "true".equalsIgnoreCase(text(it, "kernelMode"))));
        }
        List<LayerEntry> layers = new ArrayList<>();
        List<Callout> callouts = new ArrayList<>();
        List<Filter> filters = new ArrayList<>();
        for (Element it : items(child(root, "layers"))) {
            Element l = child(it, "layer");
            if (l == null) throw new NetshFormatException(name + ": a <layers> item without <layer>");
            List<Field> fields = new ArrayList<>();
            for (Element f : items(child(l, "field"))) {
                fields.add(new Field(text(f, "fieldKey"), text(f, "type"), text(f, "dataType")));
            }
            String layerId = required(l, "layerId", name, "layer " + text(l, "layerKey"));
            layers.add(new LayerEntry(required(l, "layerKey", name, "a layer"), displayName(l), displayDescription(l),
                    flags(l), fields, text(l, "defaultSubLayerKey"), Integer.parseInt(layerId)));
            for (Element c : items(child(it, "callouts"))) callouts.add(callout(c));
            for (Element f : items(child(it, "filters"))) filters.add(filter(f, name, filters.size()));
        }
        List<Provider> providers = new ArrayList<>();
        for (Element it : items(child(root, "providers"))) providers.add(provider(it));
        List<ProviderContext> contexts = new ArrayList<>();
        for (Element it : items(child(root, "providerContexts"))) {
            contexts.add(new ProviderContext(text(it, "providerContextKey"), displayName(it), text(it, "providerKey"),
                    text(it, "type")));
        }
        List<SubLayer> subLayers = new ArrayList<>();
        for (Element it : items(child(root, "subLayers"))) {
            String w = required(it, "weight", name, "sublayer " + text(it, "subLayerKey"));
            subLayers.add(new SubLayer(required(it, "subLayerKey", name, "a sublayer"), displayName(it),
                    displayDescription(it), flags(it), text(it, "providerKey"), data(child(it, "providerData")),
                    Integer.parseInt(w)));
        }
        return new NetshDump(Kind.STATE, name, text(root, "timeStamp"), sessions, layers, providers, contexts, subLayers,
                callouts, filters);
    }

    // ---------------------------------------------------------------- objects

    private static Provider provider(Element it) {
        return new Provider(text(it, "providerKey"), displayName(it), displayDescription(it), flags(it),
                data(child(it, "providerData")), emptyToNull(text(it, "serviceName")));
    }

    private static Callout callout(Element it) {
        return new Callout(text(it, "calloutKey"), displayName(it), displayDescription(it), flags(it),
                text(it, "providerKey"), data(child(it, "providerData")), text(it, "applicableLayer"),
                longOr(text(it, "calloutId"), 0));
    }

    private static Filter filter(Element it, String file, int index) {
        String where = "filter item " + (index + 1) + (text(it, "filterKey") == null ? "" : " " + text(it, "filterKey"));
        Element eff = child(it, "effectiveWeight");
        Element w = child(it, "weight");
        if (w == null) throw new NetshFormatException(file + ": " + where + ": missing <weight>");
        FwpValue weight;
        try {
            weight = value(w);
        } catch (RuntimeException e) {
            throw new NetshFormatException(file + ": " + where + ": weight: " + e.getMessage());
        }
        List<Condition> conds = new ArrayList<>();
        for (Element c : items(child(it, "filterCondition"))) {
            String field = text(c, "fieldKey"), match = text(c, "matchType");
            try {
                Element cv = child(c, "conditionValue");
                if (cv == null) throw new IllegalArgumentException("missing <conditionValue>");
                conds.add(new Condition(field, match, value(cv), null));
            } catch (RuntimeException e) {
                conds.add(new Condition(field, match, null, e.getMessage()));
            }
        }
        Element action = child(it, "action");
        if (action == null) throw new NetshFormatException(file + ": " + where + ": missing <action>");
        String raw = text(it, "rawContext");
        Long effective;
        try {
            effective = eff == null ? null : Long.parseUnsignedLong(required(eff, "uint64", file, where + " effectiveWeight"));
        } catch (NumberFormatException e) {
            throw new NetshFormatException(file + ": " + where + ": effectiveWeight is not a number");
        }
        String id = required(it, "filterId", file, where);
        try {
            return new Filter(text(it, "filterKey"), displayName(it), displayDescription(it), flags(it),
                    text(it, "providerKey"), data(child(it, "providerData")), required(it, "layerKey", file, where),
                    text(it, "subLayerKey"), weight, conds, required(action, "type", file, where + " action"),
                    emptyToNull(text(action, "filterType")), raw == null || raw.isEmpty() ? null : Long.parseUnsignedLong(raw),
                    emptyToNull(text(it, "providerContextKey")), Long.parseUnsignedLong(id), effective);
        } catch (NumberFormatException e) {
            throw new NetshFormatException(file + ": " + where + ": filterId or rawContext is not a number");
        }
    }

    // ---------------------------------------------------------------- values

    /** An FWP_VALUE0 / FWP_CONDITION_VALUE0 in netsh's form: {@code <type>} and one typed element. */
    static FwpValue value(Element v) {
        String type = text(v, "type");
        if (type == null) throw new IllegalArgumentException("value without <type>");
        DataType dt;
        try {
            dt = DataType.valueOf(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown value type " + type);
        }
        return switch (dt) {
            case FWP_EMPTY -> FwpValue.EMPTY;
            case FWP_UINT8 -> FwpValue.uint8(Integer.parseInt(req(v, "uint8")));
            case FWP_UINT16 -> FwpValue.uint16(Integer.parseInt(req(v, "uint16")));
            case FWP_UINT32 -> FwpValue.uint32(uint32(req(v, "uint32")));
            case FWP_UINT64 -> FwpValue.uint64(Long.parseUnsignedLong(req(v, "uint64")));
            case FWP_INT8 -> new FwpValue.SignedInt(dt, Long.parseLong(req(v, "int8")));
            case FWP_INT16 -> new FwpValue.SignedInt(dt, Long.parseLong(req(v, "int16")));
            case FWP_INT32 -> new FwpValue.SignedInt(dt, Long.parseLong(req(v, "int32")));
            case FWP_INT64 -> new FwpValue.SignedInt(dt, Long.parseLong(req(v, "int64")));
            case FWP_FLOAT -> new FwpValue.Floating(dt, Double.parseDouble(req(v, "float32")));
            case FWP_DOUBLE -> new FwpValue.Floating(dt, Double.parseDouble(req(v, "double64")));
            case FWP_BYTE_ARRAY16_TYPE -> new FwpValue.ByteArray16(Values.ipv6(req(v, "byteArray16"), null));
            case FWP_BYTE_ARRAY6_TYPE -> new FwpValue.ByteArray6(HEX.parseHex(req(v, "byteArray6").replaceAll("[-:]", "")));
            case FWP_BYTE_BLOB_TYPE -> new FwpValue.ByteBlob(data(child(v, "byteBlob")));
            case FWP_SECURITY_DESCRIPTOR_TYPE -> new FwpValue.Sd(SecurityDescriptor.parse(req(v, "sd")));
            case FWP_SID -> new FwpValue.Sid(req(v, "sid"));
            case FWP_UNICODE_STRING_TYPE -> new FwpValue.UnicodeString(textRaw(v, "unicodeString"));
            case FWP_V4_ADDR_MASK -> {
                Element m = child(v, "v4AddrMask");
                if (m == null) throw new IllegalArgumentException("FWP_V4_ADDR_MASK without <v4AddrMask>");
                yield new FwpValue.V4AddrMask((int) uint32(req(m, "addr")), (int) uint32(req(m, "mask")));
            }
            case FWP_V6_ADDR_MASK -> {
                Element m = child(v, "v6AddrMask");
                if (m == null) throw new IllegalArgumentException("FWP_V6_ADDR_MASK without <v6AddrMask>");
                yield new FwpValue.V6AddrMask(Values.ipv6(req(m, "addr"), null), Integer.parseInt(req(m, "prefixLength")));
            }
            case FWP_RANGE_TYPE -> {
                Element r = child(v, "rangeValue");
                if (r == null) throw new IllegalArgumentException("FWP_RANGE_TYPE without <rangeValue>");
                Element lo = child(r, "valueLow"), hi = child(r, "valueHigh");
                if (lo == null || hi == null) throw new IllegalArgumentException("<rangeValue> needs <valueLow> and <valueHigh>");
                yield new FwpValue.Range(value(lo), value(hi));
            }
            default -> throw new IllegalArgumentException("value type " + type + " is not a condition value");
        };
    }

    /** netsh prints IPv4 addresses held in a UINT32 as a dotted quad (the host-order value); other UINT32s as numbers. */
    private static long uint32(String s) {
        if (!s.contains(".")) return Long.parseLong(s);
        String[] p = s.split("\\.");
        if (p.length != 4) throw new IllegalArgumentException("'" + s + "' is not a number or a dotted quad");
        long v = 0;
        for (String part : p) {
            int o = Integer.parseInt(part);
            if (o < 0 || o > 255) throw new IllegalArgumentException("'" + s + "' is not a dotted quad");
            v = (v << 8) | o;
        }
        return v;
    }

    private static byte[] data(Element holder) {
        if (holder == null) return new byte[0];
        String d = text(holder, "data");
        return d == null || d.isEmpty() ? new byte[0] : HEX.parseHex(d);
    }

    // ---------------------------------------------------------------- DOM helpers

    private static String req(Element e, String tag) {
        String t = text(e, tag);
        if (t == null) throw new IllegalArgumentException("missing <" + tag + ">");
        return t;
    }

    private static String required(Element e, String tag, String file, String where) {
        String t = text(e, tag);
        if (t == null || t.isEmpty()) throw new NetshFormatException(file + ": " + where + ": missing <" + tag + ">");
        return t;
    }

    private static long longOr(String s, long dflt) {
        if (s == null || s.isEmpty()) return dflt;
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String displayName(Element e) {
        Element d = child(e, "displayData");
        String n = d == null ? null : textRaw(d, "name");
        return n == null ? "" : n;
    }

    private static String displayDescription(Element e) {
        Element d = child(e, "displayData");
        String n = d == null ? null : textRaw(d, "description");
        return n == null ? "" : n;
    }

    private static List<String> flags(Element e) {
        List<String> out = new ArrayList<>();
        for (Element i : items(child(e, "flags"))) out.add(i.getTextContent().trim());
        return out;
    }

    /** The trimmed text of a child element, or null when there is none. */
    static String text(Element e, String tag) {
        Element c = child(e, tag);
        return c == null ? null : c.getTextContent().trim();
    }

    /** The text of a child element as written (names and descriptions keep their spaces), or null. */
    private static String textRaw(Element e, String tag) {
        Element c = child(e, tag);
        return c == null ? null : c.getTextContent();
    }

    static Element child(Element e, String tag) {
        if (e == null) return null;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) return c;
        }
        return null;
    }

    private static List<Element> items(Element e) {
        List<Element> out = new ArrayList<>();
        if (e == null) return out;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals("item")) out.add(c);
        }
        return out;
    }
}
