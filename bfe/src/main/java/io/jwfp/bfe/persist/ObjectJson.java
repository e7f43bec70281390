package io.jwfp.bfe.persist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jwfp.engine.layer.Conditions;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.model.ActionType;
import io.jwfp.engine.model.FwpmAction;
import io.jwfp.engine.model.FwpmCallout;
import io.jwfp.engine.model.FwpmDisplayData;
import io.jwfp.engine.model.FwpmFilter;
import io.jwfp.engine.model.FwpmFilterCondition;
import io.jwfp.engine.model.FwpmProvider;
import io.jwfp.engine.model.FwpmSubLayer;
import io.jwfp.engine.value.DataType;
import io.jwfp.engine.value.FwpValue;
import io.jwfp.engine.value.MatchType;
import io.jwfp.engine.value.SecurityDescriptor;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * JSON forms of the management objects, shared by the state directory and the management socket. Values keep their
 * FWP_DATA_TYPE so nothing is lost in a round trip; names are WFP's.
 */
public final class ObjectJson {
    private ObjectJson() {}

    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    // ---- values

    public static ObjectNode value(FwpValue v) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("type", v.type().name());
        switch (v) {
            case FwpValue.Empty e -> { }
            case FwpValue.UInt8 u -> n.put("value", u.value());
            case FwpValue.UInt16 u -> n.put("value", u.value());
            case FwpValue.UInt32 u -> n.put("value", u.value());
            case FwpValue.UInt64 u -> n.put("value", Long.toUnsignedString(u.value()));
            case FwpValue.SignedInt s -> n.put("value", s.value());
            case FwpValue.Floating f -> n.put("value", f.value());
            case FwpValue.ByteArray16 b -> n.put("hex", HEX.formatHex(b.bytes()));
            case FwpValue.ByteArray6 b -> n.put("hex", HEX.formatHex(b.bytes()));
            case FwpValue.ByteBlob b -> n.put("hex", HEX.formatHex(b.bytes()));
            case FwpValue.Sid s -> n.put("value", s.sid());
            case FwpValue.Sd s -> n.put("sddl", s.descriptor().sddl());
            case FwpValue.Token t -> throw new IllegalArgumentException("tokens are incoming values only");
            case FwpValue.UnicodeString s -> n.put("value", s.value());
            case FwpValue.V4AddrMask m -> {
                n.put("addr", m.addr() & 0xFFFF_FFFFL);
                n.put("mask", m.mask() & 0xFFFF_FFFFL);
            }
            case FwpValue.V6AddrMask m -> {
                n.put("hex", HEX.formatHex(m.addr()));
                n.put("prefixLength", m.prefixLength());
            }
            case FwpValue.Range r -> {
                n.set("low", value(r.low()));
                n.set("high", value(r.high()));
            }
        }
        return n;
    }

    public static FwpValue value(JsonNode n) {
        DataType t = DataType.valueOf(text(n, "type"));
        return switch (t) {
            case FWP_EMPTY -> FwpValue.EMPTY;
            case FWP_UINT8 -> new FwpValue.UInt8(n.get("value").asInt());
            case FWP_UINT16 -> new FwpValue.UInt16(n.get("value").asInt());
            case FWP_UINT32 -> new FwpValue.UInt32(n.get("value").asLong());
            case FWP_UINT64 -> new FwpValue.UInt64(Long.parseUnsignedLong(n.get("value").asText()));
            case FWP_INT8, FWP_INT16, FWP_INT32, FWP_INT64 -> new FwpValue.SignedInt(t, n.get("value").asLong());
            case FWP_FLOAT, FWP_DOUBLE -> new FwpValue.Floating(t, n.get("value").asDouble());
            case FWP_BYTE_ARRAY16_TYPE -> new FwpValue.ByteArray16(HEX.parseHex(text(n, "hex")));
            case FWP_BYTE_ARRAY6_TYPE -> new FwpValue.ByteArray6(HEX.parseHex(text(n, "hex")));
            case FWP_BYTE_BLOB_TYPE -> new FwpValue.ByteBlob(HEX.parseHex(text(n, "hex")));
            case FWP_SID -> new FwpValue.Sid(text(n, "value"));
            case FWP_SECURITY_DESCRIPTOR_TYPE -> new FwpValue.Sd(SecurityDescriptor.parse(text(n, "sddl")));
            case FWP_UNICODE_STRING_TYPE -> new FwpValue.UnicodeString(text(n, "value"));
            case FWP_V4_ADDR_MASK -> new FwpValue.V4AddrMask((int) n.get("addr").asLong(), (int) n.get("mask").asLong());
            case FWP_V6_ADDR_MASK -> new FwpValue.V6AddrMask(HEX.parseHex(text(n, "hex")), n.get("prefixLength").asInt());
            case FWP_RANGE_TYPE -> new FwpValue.Range(value(n.get("low")), value(n.get("high")));
            default -> throw new IllegalArgumentException("unsupported value type " + t);
        };
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new IllegalArgumentException("missing '" + field + "'");
        return v.asText();
    }

    private static String opt(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static UUID uuid(JsonNode n, String field) {
        String s = opt(n, field);
        return s == null ? null : UUID.fromString(s);
    }

    private static void putDisplay(ObjectNode n, FwpmDisplayData d) {
        n.put("name", d.name());
        if (!d.description().isEmpty()) n.put("description", d.description());
    }

    private static FwpmDisplayData display(JsonNode n) {
        return new FwpmDisplayData(opt(n, "name"), opt(n, "description"));
    }

    private static void putUuid(ObjectNode n, String f, UUID v) {
        if (v != null) n.put(f, v.toString());
    }

    private static byte[] data(JsonNode n) {
        String s = opt(n, "providerData");
        return s == null ? null : HEX.parseHex(s);
    }

    private static void putData(ObjectNode n, byte[] d) {
        if (d.length > 0) n.put("providerData", HEX.formatHex(d));
    }

    // ---- objects

    public static ObjectNode provider(FwpmProvider p) {
        ObjectNode n = MAPPER.createObjectNode();
        putUuid(n, "providerKey", p.providerKey());
        putDisplay(n, p.displayData());
        n.put("flags", p.flags());
        putData(n, p.providerData());
        if (p.serviceName() != null) n.put("serviceName", p.serviceName());
        return n;
    }

    public static FwpmProvider provider(JsonNode n) {
        return new FwpmProvider(uuid(n, "providerKey"), display(n), n.path("flags").asInt(), data(n), opt(n, "serviceName"));
    }

    public static ObjectNode subLayer(FwpmSubLayer s) {
        ObjectNode n = MAPPER.createObjectNode();
        putUuid(n, "subLayerKey", s.subLayerKey());
        putDisplay(n, s.displayData());
        n.put("flags", s.flags());
        putUuid(n, "providerKey", s.providerKey());
        putData(n, s.providerData());
        n.put("weight", s.weight());
        return n;
    }

    public static FwpmSubLayer subLayer(JsonNode n) {
        return new FwpmSubLayer(uuid(n, "subLayerKey"), display(n), n.path("flags").asInt(), uuid(n, "providerKey"),
                data(n), n.path("weight").asInt());
    }

    public static ObjectNode callout(FwpmCallout c) {
        ObjectNode n = MAPPER.createObjectNode();
        putUuid(n, "calloutKey", c.calloutKey());
        putDisplay(n, c.displayData());
        n.put("flags", c.flags());
        putUuid(n, "providerKey", c.providerKey());
        putData(n, c.providerData());
        n.put("applicableLayer", c.applicableLayer().name());
        n.put("calloutId", c.calloutId());
        return n;
    }

    public static FwpmCallout callout(JsonNode n) {
        return new FwpmCallout(uuid(n, "calloutKey"), display(n), n.path("flags").asInt(), uuid(n, "providerKey"),
                data(n), layer(text(n, "applicableLayer")), n.path("calloutId").asInt());
    }

    public static ObjectNode filter(FwpmFilter f) {
        ObjectNode n = MAPPER.createObjectNode();
        putUuid(n, "filterKey", f.filterKey());
        putDisplay(n, f.displayData());
        n.put("flags", f.flags());
        putUuid(n, "providerKey", f.providerKey());
        putData(n, f.providerData());
        n.put("layerKey", f.layerKey().name());
        putUuid(n, "subLayerKey", f.subLayerKey());
        n.set("weight", value(f.weight()));
        ArrayNode cs = n.putArray("filterCondition");
        for (FwpmFilterCondition c : f.filterCondition()) {
            ObjectNode cn = cs.addObject();
            cn.put("fieldKey", c.fieldKey().name());
            cn.put("matchType", c.matchType().name());
            cn.set("conditionValue", value(c.conditionValue()));
        }
        ObjectNode a = n.putObject("action");
        a.put("type", f.action().type().name());
        putUuid(a, "calloutKey", f.action().calloutKey());
        n.put("rawContext", f.rawContext());
        n.put("filterId", f.filterId());
        n.put("effectiveWeight", Long.toUnsignedString(f.effectiveWeight()));
        return n;
    }

    public static FwpmFilter filter(JsonNode n) {
        List<FwpmFilterCondition> cs = new ArrayList<>();
        for (JsonNode cn : n.path("filterCondition")) {
            var key = Conditions.byName(text(cn, "fieldKey"));
            if (key == null) throw new IllegalArgumentException("unknown condition " + text(cn, "fieldKey"));
            cs.add(new FwpmFilterCondition(key, MatchType.valueOf(text(cn, "matchType")), value(cn.get("conditionValue"))));
        }
        JsonNode a = n.get("action");
        FwpmAction action = new FwpmAction(ActionType.valueOf(text(a, "type")), uuid(a, "calloutKey"));
        String ew = opt(n, "effectiveWeight");
        return new FwpmFilter(uuid(n, "filterKey"), display(n), n.path("flags").asInt(), uuid(n, "providerKey"), data(n),
                layer(text(n, "layerKey")), uuid(n, "subLayerKey"),
                n.has("weight") ? value(n.get("weight")) : FwpValue.EMPTY, cs, action, n.path("rawContext").asLong(),
                n.path("filterId").asLong(), ew == null ? 0 : Long.parseUnsignedLong(ew));
    }

    private static Layer layer(String name) {
        Layer l = Layer.byName(name);
        if (l == null) throw new IllegalArgumentException("unknown layer " + name);
        return l;
    }
}
