package io.jwfp.engine.value;

import io.jwfp.packet.InetBits;

/** The 128-bit sortable-key encoding shared by conditions and incoming values, and address formatting. */
public final class Keys {
    private Keys() {}

    /** Reads 8 bytes big-endian. */
    public static long be64(byte[] b, int off) {
        return InetBits.longAt(b, off);
    }

    /** Writes 8 bytes big-endian. */
    public static void putBe64(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** A long whose unsigned order is the numeric order of doubles (NaN sorts last). */
    public static long sortableDouble(double d) {
        long bits = Double.doubleToLongBits(d);
        return bits ^ ((bits >> 63) | Long.MIN_VALUE);
    }

    /** Compares two 128-bit unsigned keys. */
    public static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }

    /** Dotted quad of an IPv4 address held in the low 32 bits (host byte order, as WFP's FWP_UINT32). */
    public static String formatIpv4(long addr) {
        return InetBits.v4ToString((int) addr);
    }

    /** RFC 5952 text of an IPv6 address given as two big-endian halves. */
    public static String formatIpv6(long hi, long lo) {
        return InetBits.v6ToString(hi, lo);
    }
}
