package io.jwfp.engine.value;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An FWP_VALUE0 or FWP_CONDITION_VALUE0: a typed value as management code writes it in a filter condition or a weight,
 * and as classify reports incoming values in traces. Immutable.
 *
 * <p>Numeric and byte-array values also have a 128-bit <em>sortable key</em> ({@link #keyHi()}, {@link #keyLo()}):
 * comparing keys as unsigned 128-bit integers orders values of one type the way WFP does. Compiled conditions and the
 * run-time {@link FwpsIncomingValues} use the same encoding, so matching never decodes a value.
 */
public sealed interface FwpValue {

    /** The FWP_DATA_TYPE of this value. */
    DataType type();

    /** High 64 bits of the sortable key (non-zero only for FWP_BYTE_ARRAY16_TYPE). */
    default long keyHi() {
        return 0;
    }

    /** Low 64 bits of the sortable key. */
    default long keyLo() {
        return 0;
    }

    /** FWP_EMPTY: no value (the field is unknown or not applicable). */
    Empty EMPTY = new Empty();

    static UInt8 uint8(int v) {
        return new UInt8(v);
    }

    static UInt16 uint16(int v) {
        return new UInt16(v);
    }

    static UInt32 uint32(long v) {
        return new UInt32(v);
    }

    static UInt64 uint64(long v) {
        return new UInt64(v);
    }

    /** FWP_EMPTY. */
    record Empty() implements FwpValue {
        public DataType type() {
            return DataType.FWP_EMPTY;
        }

        @Override
        public String toString() {
            return "FWP_EMPTY";
        }
    }

    /** FWP_UINT8. */
    record UInt8(int value) implements FwpValue {
        public UInt8 {
            if (value < 0 || value > 0xFF) throw new IllegalArgumentException("uint8: " + value + " (expected: 0-255)");
        }

        public DataType type() {
            return DataType.FWP_UINT8;
        }

        public long keyLo() {
            return value;
        }

        @Override
        public String toString() {
            return Integer.toString(value);
        }
    }

    /** FWP_UINT16. */
    record UInt16(int value) implements FwpValue {
        public UInt16 {
            if (value < 0 || value > 0xFFFF) throw new IllegalArgumentException("uint16: " + value + " (expected: 0-65535)");
        }

        public DataType type() {
            return DataType.FWP_UINT16;
        }

        public long keyLo() {
            return value;
        }

        @Override
        public String toString() {
            return Integer.toString(value);
        }
    }

    /** FWP_UINT32 (also an IPv4 address in host byte order). */
    record UInt32(long value) implements FwpValue {
        public UInt32 {
            if (value < 0 || value > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("uint32: " + value + " (expected: 0-4294967295)");
            }
        }

        public DataType type() {
            return DataType.FWP_UINT32;
        }

        public long keyLo() {
            return value;
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** FWP_UINT64; {@code value} is unsigned. */
    record UInt64(long value) implements FwpValue {
        public DataType type() {
            return DataType.FWP_UINT64;
        }

        public long keyLo() {
            return value;
        }

        @Override
        public String toString() {
            return Long.toUnsignedString(value);
        }
    }

    /** FWP_INT8 .. FWP_INT64; the type says which. */
    record SignedInt(DataType type, long value) implements FwpValue {
        public SignedInt {
            if (type != DataType.FWP_INT8 && type != DataType.FWP_INT16 && type != DataType.FWP_INT32
                    && type != DataType.FWP_INT64) {
                throw new IllegalArgumentException("not a signed integer type: " + type);
            }
        }

        public long keyLo() {
            return value ^ Long.MIN_VALUE;
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** FWP_FLOAT or FWP_DOUBLE. */
    record Floating(DataType type, double value) implements FwpValue {
        public Floating {
            if (type != DataType.FWP_FLOAT && type != DataType.FWP_DOUBLE) {
                throw new IllegalArgumentException("not a floating type: " + type);
            }
        }

        public long keyLo() {
            return Keys.sortableDouble(value);
        }

        @Override
        public String toString() {
            return Double.toString(value);
        }
    }

    /** FWP_BYTE_ARRAY16_TYPE (an IPv6 address, in network order). */
    record ByteArray16(byte[] bytes) implements FwpValue {
        public ByteArray16 {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length != 16) throw new IllegalArgumentException("byteArray16: " + bytes.length + " bytes (expected: 16)");
            bytes = bytes.clone();
        }

        public DataType type() {
            return DataType.FWP_BYTE_ARRAY16_TYPE;
        }

        public long keyHi() {
            return Keys.be64(bytes, 0);
        }

        public long keyLo() {
            return Keys.be64(bytes, 8);
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ByteArray16 b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return Keys.formatIpv6(keyHi(), keyLo());
        }
    }

    /** FWP_BYTE_ARRAY6_TYPE (a MAC address). */
    record ByteArray6(byte[] bytes) implements FwpValue {
        public ByteArray6 {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length != 6) throw new IllegalArgumentException("byteArray6: " + bytes.length + " bytes (expected: 6)");
            bytes = bytes.clone();
        }

        public DataType type() {
            return DataType.FWP_BYTE_ARRAY6_TYPE;
        }

        public long keyLo() {
            long v = 0;
            for (byte b : bytes) v = (v << 8) | (b & 0xFF);
            return v;
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ByteArray6 b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return HexFormat.ofDelimiter(":").formatHex(bytes);
        }
    }

    /**
     * FWP_BYTE_BLOB_TYPE. An ALE_APP_ID blob holds the executable path encoded as on Windows (UTF-16LE with the
     * terminating NUL); {@link AppIds} builds and reads them.
     */
    record ByteBlob(byte[] bytes) implements FwpValue {
        public ByteBlob {
            Objects.requireNonNull(bytes, "bytes");
            bytes = bytes.clone();
        }

        public DataType type() {
            return DataType.FWP_BYTE_BLOB_TYPE;
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** The bytes without a copy, for compilation into matchers; callers must not modify them. */
        public byte[] bytesUnsafe() {
            return bytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ByteBlob b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            String s = AppIds.tryDecode(bytes);
            return s != null ? s : HexFormat.of().formatHex(bytes);
        }
    }

    /** FWP_SID: a security identifier in string form (S-1-...). */
    record Sid(String sid) implements FwpValue {
        public Sid {
            Objects.requireNonNull(sid, "sid");
        }

        public DataType type() {
            return DataType.FWP_SID;
        }

        @Override
        public String toString() {
            return sid;
        }
    }

    /** FWP_SECURITY_DESCRIPTOR_TYPE (condition side), as SDDL; see {@link SecurityDescriptor}. */
    record Sd(SecurityDescriptor descriptor) implements FwpValue {
        public Sd {
            Objects.requireNonNull(descriptor, "descriptor");
        }

        public DataType type() {
            return DataType.FWP_SECURITY_DESCRIPTOR_TYPE;
        }

        @Override
        public String toString() {
            return descriptor.sddl();
        }
    }

    /** FWP_TOKEN_ACCESS_INFORMATION_TYPE (incoming side): the user and groups of a socket's owner. */
    record Token(FwpToken token) implements FwpValue {
        public Token {
            Objects.requireNonNull(token, "token");
        }

        public DataType type() {
            return DataType.FWP_TOKEN_ACCESS_INFORMATION_TYPE;
        }

        @Override
        public String toString() {
            return token.toString();
        }
    }

    /** FWP_UNICODE_STRING_TYPE. */
    record UnicodeString(String value) implements FwpValue {
        public UnicodeString {
            Objects.requireNonNull(value, "value");
        }

        public DataType type() {
            return DataType.FWP_UNICODE_STRING_TYPE;
        }

        @Override
        public String toString() {
            return value;
        }
    }

    /** FWP_V4_ADDR_MASK (condition only): {@code addr} and {@code mask} in host byte order. */
    record V4AddrMask(int addr, int mask) implements FwpValue {
        public DataType type() {
            return DataType.FWP_V4_ADDR_MASK;
        }

        /** The prefix length of a contiguous mask, or -1 when the mask has holes. */
        public int prefixLength() {
            int inv = ~mask;
            if ((inv & (inv + 1)) != 0) return -1;
            return Integer.bitCount(mask);
        }

        /** The mask for a prefix length 0..32. */
        public static int maskOf(int prefixLength) {
            return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        }

        @Override
        public String toString() {
            int p = prefixLength();
            return Keys.formatIpv4(addr & 0xFFFF_FFFFL) + "/" + (p >= 0 ? Integer.toString(p) : Keys.formatIpv4(mask & 0xFFFF_FFFFL));
        }
    }

    /** FWP_V6_ADDR_MASK (condition only): an IPv6 address and a prefix length 0..128. */
    record V6AddrMask(byte[] addr, int prefixLength) implements FwpValue {
        public V6AddrMask {
            Objects.requireNonNull(addr, "addr");
            if (addr.length != 16) throw new IllegalArgumentException("v6AddrMask: " + addr.length + " bytes (expected: 16)");
            addr = addr.clone();
        }

        public DataType type() {
            return DataType.FWP_V6_ADDR_MASK;
        }

        public long keyHi() {
            return Keys.be64(addr, 0);
        }

        public long keyLo() {
            return Keys.be64(addr, 8);
        }

        @Override
        public byte[] addr() {
            return addr.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof V6AddrMask m && m.prefixLength == prefixLength && Arrays.equals(addr, m.addr);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(addr) * 31 + prefixLength;
        }

        @Override
        public String toString() {
            return Keys.formatIpv6(keyHi(), keyLo()) + "/" + prefixLength;
        }
    }

    /** FWP_RANGE_TYPE (condition only): inclusive bounds of one type. */
    record Range(FwpValue low, FwpValue high) implements FwpValue {
        public Range {
            Objects.requireNonNull(low, "low");
            Objects.requireNonNull(high, "high");
        }

        public DataType type() {
            return DataType.FWP_RANGE_TYPE;
        }

        @Override
        public String toString() {
            return low + "-" + high;
        }
    }
}
