package io.jwfp.engine.netsh;

import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.FieldType;
import io.jwfp.engine.layer.LayerField;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.value.SecurityDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Reads the real {@code netsh wfp show state} / {@code show filters} dumps of {@code src/test/resources/netsh}: the
 * layer schemas and every filter with its weight, conditions and effective weight, converted to jwfp values.
 */
public final class NetshDump {
    /** The {@code netsh wfp show state} dump (layers with their fields, and filters). */
    public static final String STATE = "windows-wfpstate.xml";
    /** The {@code netsh wfp show filters} dump of a Chinese-locale Windows 11. */
    public static final String ZH_FILTERS = "windows11-zh-filters.xml";

    /** One layer of {@code show state}. */
    public record LayerSchema(String name, int layerId, List<LayerField> fields, List<String> fieldNames,
                              List<String> fieldTypes, List<String> dataTypes) {}

    /** One filter item. */
    public record Filter(String dump, long filterId, String layerName, FwpValue weight,
                         List<FwpmFilterCondition> conditions, long effectiveWeight) {}

    private NetshDump() {}

    /** The XML of a dump as one document: netsh writes a BOM and, for show state, two top-level elements. */
    public static Document read(String file) {
        try (InputStream in = NetshDump.class.getResourceAsStream("/netsh/" + file)) {
            if (in == null) throw new IllegalStateException("missing test resource netsh/" + file);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (text.startsWith("\uFEFF")) text = text.substring(1);
            text = text.replaceFirst("^\\s*<\\?xml[^>]*\\?>", "");
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setExpandEntityReferences(false);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader("<netsh>" + text + "</netsh>")));
        } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            throw new IllegalStateException("cannot read netsh/" + file, e);
        }
    }

    /** The layers of the {@code show state} dump, by FWPM name, in dump order. */
    public static Map<String, LayerSchema> layers() {
        Map<String, LayerSchema> out = new LinkedHashMap<>();
        NodeList ls = read(STATE).getElementsByTagName("layer");
        for (int i = 0; i < ls.getLength(); i++) {
            Element l = (Element) ls.item(i);
            String name = text(l, "layerKey");
            List<LayerField> fields = new ArrayList<>();
            List<String> names = new ArrayList<>(), types = new ArrayList<>(), dataTypes = new ArrayList<>();
            Element field = child(l, "field");
            for (Element f : children(field, "item")) {
                String cond = text(f, "fieldKey"), type = text(f, "type"), dt = text(f, "dataType");
                names.add(cond);
                types.add(type);
                dataTypes.add(dt);
                fields.add(new LayerField(fields.size(), condition(cond), FieldType.valueOf(type), DataType.valueOf(dt)));
            }
            out.put(name, new LayerSchema(name, Integer.parseInt(text(l, "layerId")), List.copyOf(fields),
                    List.copyOf(names), List.copyOf(types), List.copyOf(dataTypes)));
        }
        return out;
    }

    /** Every filter item of a dump (the items that carry an effectiveWeight). */
    public static List<Filter> filters(String file) {
        List<Filter> out = new ArrayList<>();
        NodeList items = read(file).getElementsByTagName("item");
        for (int i = 0; i < items.getLength(); i++) {
            Element it = (Element) items.item(i);
            Element eff = child(it, "effectiveWeight");
            if (eff == null) continue;
            List<FwpmFilterCondition> conds = new ArrayList<>();
            Element fc = child(it, "filterCondition");
            if (fc != null) {
                for (Element c : children(fc, "item")) {
                    conds.add(new FwpmFilterCondition(condition(text(c, "fieldKey")),
                            MatchType.valueOf(text(c, "matchType")), value(child(c, "conditionValue"))));
                }
            }
            out.add(new Filter(file, Long.parseLong(text(it, "filterId")), text(it, "layerKey"),
                    value(child(it, "weight")), List.copyOf(conds), Long.parseUnsignedLong(text(eff, "uint64"))));
        }
        return out;
    }

    /** The condition a netsh field name stands for; names jwfp has no GUID for get a placeholder key. */
    public static ConditionKey condition(String name) {
        ConditionKey k = Conditions.byName(name);
        return k != null ? k : new ConditionKey(name, UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)), -1);
    }

    /** An FWP_VALUE0 / FWP_CONDITION_VALUE0 as netsh prints it. */
    static FwpValue value(Element v) {
        String type = text(v, "type");
        return switch (type) {
            case "FWP_EMPTY" -> FwpValue.EMPTY;
            case "FWP_UINT8" -> FwpValue.uint8(Integer.parseInt(text(v, "uint8")));
            case "FWP_UINT16" -> FwpValue.uint16(Integer.parseInt(text(v, "uint16")));
            case "FWP_UINT32" -> FwpValue.uint32(uint32(text(v, "uint32")));
            case "FWP_UINT64" -> FwpValue.uint64(Long.parseUnsignedLong(text(v, "uint64")));
            case "FWP_BYTE_BLOB_TYPE" -> new FwpValue.ByteBlob(HexFormat.of().parseHex(text(child(v, "byteBlob"), "data")));
            case "FWP_BYTE_ARRAY16_TYPE" -> new FwpValue.ByteArray16(InetAddress.ofLiteral(text(v, "byteArray16")).getAddress());
            case "FWP_SECURITY_DESCRIPTOR_TYPE" -> new FwpValue.Sd(SecurityDescriptor.parse(text(v, "sd")));
            case "FWP_SID" -> new FwpValue.Sid(text(v, "sid"));
            case "FWP_RANGE_TYPE" -> {
                Element r = child(v, "rangeValue");
                yield new FwpValue.Range(value(child(r, "valueLow")), value(child(r, "valueHigh")));
            }
            default -> throw new IllegalArgumentException("netsh value type not handled: " + type);
        };
    }

    /** netsh prints IPv4 addresses held in a UINT32 as a dotted quad (host byte order value). */
    private static long uint32(String s) {
        if (!s.contains(".")) return Long.parseLong(s);
        long v = 0;
        for (String part : s.split("\\.")) v = (v << 8) | Integer.parseInt(part);
        return v;
    }

    static String text(Element e, String tag) {
        Element c = child(e, tag);
        return c == null ? null : c.getTextContent().trim();
    }

    static Element child(Element e, String tag) {
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) return c;
        }
        return null;
    }

    static List<Element> children(Element e, String tag) {
        List<Element> out = new ArrayList<>();
        if (e == null) return out;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(tag)) out.add(c);
        }
        return out;
    }
}
