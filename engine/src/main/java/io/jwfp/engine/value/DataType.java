package io.jwfp.engine.value;

/** FWP_DATA_TYPE: the type of a value, incoming or in a condition. */
public enum DataType {
    FWP_EMPTY(0),
    FWP_UINT8(1),
    FWP_UINT16(2),
    FWP_UINT32(3),
    FWP_UINT64(4),
    FWP_INT8(5),
    FWP_INT16(6),
    FWP_INT32(7),
    FWP_INT64(8),
    FWP_FLOAT(9),
    FWP_DOUBLE(10),
    FWP_BYTE_ARRAY16_TYPE(11),
    FWP_BYTE_BLOB_TYPE(12),
    FWP_SID(13),
    FWP_SECURITY_DESCRIPTOR_TYPE(14),
    FWP_TOKEN_INFORMATION_TYPE(15),
    FWP_TOKEN_ACCESS_INFORMATION_TYPE(16),
    FWP_UNICODE_STRING_TYPE(17),
    FWP_BYTE_ARRAY6_TYPE(18),
    /** Condition only: an IPv4 address and mask. */
    FWP_V4_ADDR_MASK(0x100),
    /** Condition only: an IPv6 address and prefix length. */
    FWP_V6_ADDR_MASK(0x101),
    /** Condition only: an inclusive range of two values of the field's type. */
    FWP_RANGE_TYPE(0x102);

    private static final DataType[] BY_CODE = new DataType[19];

    static {
        for (DataType t : values()) if (t.code < BY_CODE.length) BY_CODE[t.code] = t;
    }

    private final int code;

    DataType(int code) {
        this.code = code;
    }

    /** The numeric FWP_DATA_TYPE value. */
    public int code() {
        return code;
    }

    /** The single-value type with a code (0..18), or null. */
    public static DataType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /** True for FWP_UINT8..FWP_UINT64: the types flag match types apply to. */
    public boolean isUnsigned() {
        return this == FWP_UINT8 || this == FWP_UINT16 || this == FWP_UINT32 || this == FWP_UINT64;
    }

    /** True for the integer types, signed or not. */
    public boolean isInteger() {
        return code >= FWP_UINT8.code && code <= FWP_INT64.code;
    }

    /** True for the types the ordering match types (GREATER, LESS, RANGE...) apply to. */
    public boolean isSortable() {
        return isInteger() || this == FWP_FLOAT || this == FWP_DOUBLE || this == FWP_BYTE_ARRAY16_TYPE
                || this == FWP_BYTE_BLOB_TYPE || this == FWP_UNICODE_STRING_TYPE;
    }

    /** True for types whose values are carried as a 128-bit sortable key (integers, floats, byte arrays). */
    public boolean isKeyed() {
        return isInteger() || this == FWP_FLOAT || this == FWP_DOUBLE || this == FWP_BYTE_ARRAY16_TYPE
                || this == FWP_BYTE_ARRAY6_TYPE;
    }

    /** The name without the FWP_ prefix and _TYPE suffix, for compact output. */
    public String shortName() {
        String n = name().substring(4);
        return n.endsWith("_TYPE") ? n.substring(0, n.length() - 5) : n;
    }
}
