package io.jwfp.engine.value;

import io.jwfp.engine.layer.ConditionKey;
import io.jwfp.engine.layer.Layer;
import io.jwfp.engine.layer.LayerField;
import java.util.Arrays;

/**
 * FWPS_INCOMING_VALUES0: the values of a layer's fields for one classification, indexed by FWPS field index.
 *
 * <p>Mutable and reusable: a shim keeps one per thread, calls {@link #reset(Layer)} per classification and sets the
 * fields it knows; every other field stays FWP_EMPTY. Setters store primitives (numbers and addresses as the 128-bit
 * sortable key of {@link FwpValue}) or references to values the caller keeps immutable (app-id blobs, tokens), so
 * filling and matching allocate nothing. Not thread-safe.
 */
public final class FwpsIncomingValues {
    /** More than the widest layer (ALE_AUTH_RECV_ACCEPT has 37 fields). */
    public static final int MAX_FIELDS = 48;

    private Layer layer;
    private final byte[] type = new byte[MAX_FIELDS];
    private final long[] hi = new long[MAX_FIELDS];
    private final long[] lo = new long[MAX_FIELDS];
    private final Object[] ref = new Object[MAX_FIELDS];

    public FwpsIncomingValues() {}

    public FwpsIncomingValues(Layer layer) {
        reset(layer);
    }

    /** Starts a classification at a layer: every field becomes FWP_EMPTY. */
    public FwpsIncomingValues reset(Layer layer) {
        this.layer = layer;
        int n = layer.fieldCount();
        Arrays.fill(type, 0, n, (byte) 0);
        Arrays.fill(ref, 0, n, null);
        return this;
    }

    /** The layer these values belong to (FWPS_INCOMING_VALUES0.layerId). */
    public Layer layer() {
        return layer;
    }

    /** FWPS_INCOMING_VALUES0.valueCount. */
    public int valueCount() {
        return layer.fieldCount();
    }

    // ---- setters by field index (FWPS_FIELD_<LAYER>_<FIELD>) ----

    public FwpsIncomingValues setEmpty(int field) {
        type[field] = 0;
        ref[field] = null;
        return this;
    }

    public FwpsIncomingValues setUint8(int field, int v) {
        return key(field, DataType.FWP_UINT8, 0, v & 0xFFL);
    }

    public FwpsIncomingValues setUint16(int field, int v) {
        return key(field, DataType.FWP_UINT16, 0, v & 0xFFFFL);
    }

    /** Sets an FWP_UINT32 (an IPv4 address in host byte order, as WFP carries it). */
    public FwpsIncomingValues setUint32(int field, int v) {
        return key(field, DataType.FWP_UINT32, 0, v & 0xFFFF_FFFFL);
    }

    public FwpsIncomingValues setUint64(int field, long v) {
        return key(field, DataType.FWP_UINT64, 0, v);
    }

    /** Sets an FWP_BYTE_ARRAY16_TYPE (an IPv6 address) from its big-endian halves. */
    public FwpsIncomingValues setByteArray16(int field, long hi, long lo) {
        return key(field, DataType.FWP_BYTE_ARRAY16_TYPE, hi, lo);
    }

    /** Sets an FWP_BYTE_ARRAY6_TYPE (a MAC address) from its 48-bit value. */
    public FwpsIncomingValues setByteArray6(int field, long mac48) {
        return key(field, DataType.FWP_BYTE_ARRAY6_TYPE, 0, mac48 & 0xFFFF_FFFF_FFFFL);
    }

    /** Sets an FWP_BYTE_BLOB_TYPE; the array is kept, not copied, and must not change afterwards. */
    public FwpsIncomingValues setByteBlob(int field, byte[] blob) {
        return object(field, DataType.FWP_BYTE_BLOB_TYPE, blob);
    }

    /** Sets an FWP_TOKEN_ACCESS_INFORMATION_TYPE (ALE_USER_ID and friends). */
    public FwpsIncomingValues setToken(int field, FwpToken token) {
        return object(field, DataType.FWP_TOKEN_ACCESS_INFORMATION_TYPE, token);
    }

    /** Sets an FWP_SID (ALE_PACKAGE_ID), as SID text. */
    public FwpsIncomingValues setSid(int field, String sid) {
        return object(field, DataType.FWP_SID, sid);
    }

    public FwpsIncomingValues setUnicodeString(int field, String s) {
        return object(field, DataType.FWP_UNICODE_STRING_TYPE, s);
    }

    /** Sets any value (management side); allocation-free callers use the typed setters. */
    public FwpsIncomingValues set(int field, FwpValue v) {
        switch (v) {
            case FwpValue.Empty e -> setEmpty(field);
            case FwpValue.ByteBlob b -> setByteBlob(field, b.bytesUnsafe());
            case FwpValue.Token t -> setToken(field, t.token());
            case FwpValue.Sid s -> setSid(field, s.sid());
            case FwpValue.UnicodeString s -> setUnicodeString(field, s.value());
            case FwpValue.V4AddrMask m -> throw new IllegalArgumentException("FWP_V4_ADDR_MASK is a condition type, not a value");
            case FwpValue.V6AddrMask m -> throw new IllegalArgumentException("FWP_V6_ADDR_MASK is a condition type, not a value");
            case FwpValue.Range r -> throw new IllegalArgumentException("FWP_RANGE_TYPE is a condition type, not a value");
            case FwpValue.Sd s -> throw new IllegalArgumentException("FWP_SECURITY_DESCRIPTOR_TYPE is a condition type, not a value");
            default -> key(field, v.type(), v.keyHi(), v.keyLo());
        }
        return this;
    }

    /** Sets a value by condition; throws IllegalArgumentException if the layer has no such field. */
    public FwpsIncomingValues set(ConditionKey condition, FwpValue v) {
        int f = layer.fieldIndex(condition);
        if (f < 0) throw new IllegalArgumentException(condition.name() + " is not a field of " + layer.name());
        return set(f, v);
    }

    // ---- setters by condition, for shims: a field the layer does not offer is skipped ----
    //
    // A shim knows facts (addresses, ports, interfaces...) and fills every layer from the same facts; each layer
    // offers only some of them. These setters look the field up and do nothing when the layer lacks it, so a shim
    // fills "what it knows" without a per-layer table of its own. Allocation-free.

    /** Sets an FWP_UINT8 field if the layer offers the condition. */
    public FwpsIncomingValues fillUint8(ConditionKey condition, int v) {
        int f = layer.fieldIndex(condition);
        return f < 0 ? this : setUint8(f, v);
    }

    /** Sets an FWP_UINT16 field if the layer offers the condition. */
    public FwpsIncomingValues fillUint16(ConditionKey condition, int v) {
        int f = layer.fieldIndex(condition);
        return f < 0 ? this : setUint16(f, v);
    }

    /** Sets an FWP_UINT32 field if the layer offers the condition. */
    public FwpsIncomingValues fillUint32(ConditionKey condition, int v) {
        int f = layer.fieldIndex(condition);
        return f < 0 ? this : setUint32(f, v);
    }

    /** Sets an FWP_UINT64 field if the layer offers the condition. */
    public FwpsIncomingValues fillUint64(ConditionKey condition, long v) {
        int f = layer.fieldIndex(condition);
        return f < 0 ? this : setUint64(f, v);
    }

    /** Sets an IPv4 address (host byte order) if the layer offers the condition. */
    public FwpsIncomingValues fillV4(ConditionKey condition, int address) {
        return fillUint32(condition, address);
    }

    /** Sets an IPv6 address (big-endian halves) if the layer offers the condition. */
    public FwpsIncomingValues fillV6(ConditionKey condition, long hi, long lo) {
        int f = layer.fieldIndex(condition);
        return f < 0 ? this : setByteArray16(f, hi, lo);
    }

    /** Sets a MAC address if the layer offers the condition and the address is known (not negative). */
    public FwpsIncomingValues fillMac(ConditionKey condition, long mac48) {
        int f = layer.fieldIndex(condition);
        return f < 0 || mac48 < 0 ? this : setByteArray6(f, mac48);
    }

    /** Sets a byte blob (e.g. ALE_APP_ID) if the layer offers the condition; null leaves the field empty. */
    public FwpsIncomingValues fillByteBlob(ConditionKey condition, byte[] blob) {
        int f = layer.fieldIndex(condition);
        return f < 0 ? this : setByteBlob(f, blob);
    }

    /** Sets a token (e.g. ALE_USER_ID) if the layer offers the condition; null leaves the field empty. */
    public FwpsIncomingValues fillToken(ConditionKey condition, FwpToken token) {
        int f = layer.fieldIndex(condition);
        return f < 0 ? this : setToken(f, token);
    }

    private FwpsIncomingValues key(int field, DataType t, long h, long l) {
        type[field] = (byte) t.code();
        hi[field] = h;
        lo[field] = l;
        ref[field] = null;
        return this;
    }

    private FwpsIncomingValues object(int field, DataType t, Object o) {
        if (o == null) return setEmpty(field);
        type[field] = (byte) t.code();
        ref[field] = o;
        return this;
    }

    // ---- getters (allocation-free) ----

    /** The FWP_DATA_TYPE code of a field (0 = FWP_EMPTY). */
    public int typeCode(int field) {
        return type[field];
    }

    public boolean isEmpty(int field) {
        return type[field] == 0;
    }

    /** The high half of a keyed value's sortable key. */
    public long keyHi(int field) {
        return hi[field];
    }

    /** The low half of a keyed value's sortable key; for unsigned integers, the value. */
    public long keyLo(int field) {
        return lo[field];
    }

    /** The referenced object of a blob, token, SID or string field, or null. */
    public Object ref(int field) {
        return ref[field];
    }

    /** A field's value as an immutable {@link FwpValue}, for traces and events (allocates). */
    public FwpValue value(int field) {
        DataType t = DataType.ofCode(type[field]);
        if (t == null || t == DataType.FWP_EMPTY) return FwpValue.EMPTY;
        long h = hi[field], l = lo[field];
        return switch (t) {
            case FWP_UINT8 -> new FwpValue.UInt8((int) l);
            case FWP_UINT16 -> new FwpValue.UInt16((int) l);
            case FWP_UINT32 -> new FwpValue.UInt32(l);
            case FWP_UINT64 -> new FwpValue.UInt64(l);
            case FWP_INT8, FWP_INT16, FWP_INT32, FWP_INT64 -> new FwpValue.SignedInt(t, l ^ Long.MIN_VALUE);
            case FWP_BYTE_ARRAY16_TYPE -> {
                byte[] b = new byte[16];
                Keys.putBe64(b, 0, h);
                Keys.putBe64(b, 8, l);
                yield new FwpValue.ByteArray16(b);
            }
            case FWP_BYTE_ARRAY6_TYPE -> {
                byte[] b = new byte[6];
                for (int i = 5; i >= 0; i--, l >>>= 8) b[i] = (byte) l;
                yield new FwpValue.ByteArray6(b);
            }
            case FWP_BYTE_BLOB_TYPE -> new FwpValue.ByteBlob((byte[]) ref[field]);
            case FWP_TOKEN_ACCESS_INFORMATION_TYPE -> new FwpValue.Token((FwpToken) ref[field]);
            case FWP_SID -> new FwpValue.Sid((String) ref[field]);
            case FWP_UNICODE_STRING_TYPE -> new FwpValue.UnicodeString((String) ref[field]);
            default -> FwpValue.EMPTY;
        };
    }

    /** A value by condition, or FWP_EMPTY when the layer lacks it (allocates). */
    public FwpValue value(ConditionKey condition) {
        int f = layer.fieldIndex(condition);
        return f < 0 ? FwpValue.EMPTY : value(f);
    }

    /** Copies another set of values (same layer). */
    public void copyFrom(FwpsIncomingValues o) {
        reset(o.layer);
        int n = layer.fieldCount();
        System.arraycopy(o.type, 0, type, 0, n);
        System.arraycopy(o.hi, 0, hi, 0, n);
        System.arraycopy(o.lo, 0, lo, 0, n);
        System.arraycopy(o.ref, 0, ref, 0, n);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(layer == null ? "?" : layer.name()).append('{');
        if (layer != null) {
            boolean first = true;
            for (LayerField f : layer.fields()) {
                if (type[f.index()] == 0) continue;
                if (!first) sb.append(", ");
                first = false;
                sb.append(f.condition().shortName()).append('=').append(Values.format(value(f.index()), f));
            }
        }
        return sb.append('}').toString();
    }
}
