package io.jwfp.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * <p>Vocabulary. A <em>sum</em> is the 16-bit one's-complement sum of some bytes, folded but not complemented, in
 * {@code [0, 0xFFFF]}. Sums of disjoint ranges combine with {@link #combine(int, int)} as long as every range but
 * the last has an even length (RFC 1071 §2(A): byte order independence holds per 16-bit word). A <em>checksum</em>
 * is what goes in a header field: {@code finish(sum) == ~sum & 0xFFFF}. A received packet is intact when the sum over
 * the covered bytes, checksum field included, is {@code 0xFFFF}; only that value counts as valid (RFC 1624 §3: the
 * sum of data that is not all zero is never {@code +0}).
 *
 * <p>UDP zero rule (RFC 768, RFC 8200 §8.1): over IPv4 a transmitted checksum of 0 means "no checksum", so a
 * computed 0 is sent as {@code 0xFFFF} ({@link #udpField(int)}); over IPv6 the checksum is mandatory and a received
 * 0 is invalid.
 *
 * <p>All methods are static, allocate nothing and are thread-safe. Segment arguments must stay alive for the call
 * (a closed arena makes the JDK throw {@link IllegalStateException}); ranges outside a segment or array throw
 * {@link IndexOutOfBoundsException}: these are programming errors, the views bound their ranges before calling.
 */
public final class Checksums {
    private static final ValueLayout.OfLong BE_U64 =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE_U16 =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** A sum that covers everything correctly, checksum included. */
    public static final int VALID_SUM = 0xFFFF;

    private Checksums() {}

    /** Folds a wide accumulator to 16 bits with end-around carry; never yields 0 for a non-zero input. */
    public static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }

    /** One's-complement sum of two sums. */
    public static int combine(int a, int b) {
        return fold((long) (a & 0xFFFF) + (b & 0xFFFF));
    }

    /** The header field value for a sum: its one's complement. */
    public static int finish(int sum) {
        return ~sum & 0xFFFF;
    }

    /**
     * RFC 1071 sum of {@code len} bytes at {@code off} of {@code seg}, added to {@code seed} (another sum, 0 for none).
     * An odd trailing byte is padded with a zero byte on the right, as RFC 1071 §4.1 does.
     */
    public static int partial(MemorySegment seg, long off, long len, int seed) {
        long acc = seed & 0xFFFF;
        long p = off;
        long end = off + len;
        // Eight bytes per step: adding the two 32-bit halves into a 64-bit accumulator is the same one's-complement
        // sum as adding the four 16-bit words, and an accumulator of 2^63 covers far more than any packet.
        while (end - p >= 8) {
            long v = seg.get(BE_U64, p);
            acc += (v >>> 32) + (v & 0xFFFF_FFFFL);
            p += 8;
        }
        while (end - p >= 2) {
            acc += Short.toUnsignedInt(seg.get(BE_U16, p));
            p += 2;
        }
        if (p < end) {
            acc += Byte.toUnsignedInt(seg.get(ValueLayout.JAVA_BYTE, p)) << 8;
        }
        return fold(acc);
    }

    /** RFC 1071 sum of {@code len} bytes of {@code data} from {@code off}, added to {@code seed}. */
    public static int partial(byte[] data, int off, int len, int seed) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        long acc = seed & 0xFFFF;
        int p = off;
        int end = off + len;
        while (end - p >= 2) {
            acc += ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
            p += 2;
        }
        if (p < end) {
            acc += (data[p] & 0xFF) << 8;
        }
        return fold(acc);
    }

    /** Sum of the IPv4 pseudo-header (RFC 9293 §3.1, RFC 768): addresses, zero, protocol, transport length. */
    public static int pseudoHeaderV4(int src, int dst, int protocol, int transportLength) {
        long acc = (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF)
                + (protocol & 0xFF) + (transportLength & 0xFFFF);
        return fold(acc);
    }

    /** Sum of the IPv6 pseudo-header (RFC 8200 §8.1): addresses, 32-bit upper-layer length, next header. */
    public static int pseudoHeaderV6(long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader,
                                     long upperLayerLength) {
        long acc = words(srcHi) + words(srcLo) + words(dstHi) + words(dstLo)
                + (upperLayerLength >>> 16 & 0xFFFF) + (upperLayerLength & 0xFFFF) + (nextHeader & 0xFF);
        return fold(acc);
    }

    private static long words(long v) {
        return (v >>> 48) + (v >>> 32 & 0xFFFF) + (v >>> 16 & 0xFFFF) + (v & 0xFFFF);
    }

    /** Checksum of an IPv4 header of {@code headerLength} bytes, computed as if its checksum field were zero. */
    public static int ipv4Header(MemorySegment seg, long off, int headerLength) {
        int sum = partial(seg, off, 10, 0);
        sum = partial(seg, off + 12, headerLength - 12, sum);
        return finish(sum);
    }

    /**
     * Checksum of a TCP segment, UDP datagram or other transport unit over IPv4, computed as if the checksum field
     * (at {@code checksumOffset} within the unit) were zero. For UDP apply {@link #udpField(int)} before sending.
     */
    public static int transportV4(MemorySegment seg, long off, int len, int checksumOffset,
                                  int protocol, int src, int dst) {
        int sum = pseudoHeaderV4(src, dst, protocol, len);
        sum = sumSkipping(seg, off, len, checksumOffset, sum);
        return finish(sum);
    }

    /** Like {@link #transportV4} for IPv6 (TCP, UDP, ICMPv6), with the RFC 8200 §8.1 pseudo-header. */
    public static int transportV6(MemorySegment seg, long off, int len, int checksumOffset, int nextHeader,
                                  long srcHi, long srcLo, long dstHi, long dstLo) {
        int sum = pseudoHeaderV6(srcHi, srcLo, dstHi, dstLo, nextHeader, len);
        sum = sumSkipping(seg, off, len, checksumOffset, sum);
        return finish(sum);
    }

    /** Checksum of an ICMPv4 message (RFC 792: no pseudo-header), as if its checksum field were zero. */
    public static int icmpv4(MemorySegment seg, long off, int len) {
        return finish(sumSkipping(seg, off, len, 2, 0));
    }

    /** True iff the IPv4 header at {@code off}, checksum field included, sums to {@link #VALID_SUM}. */
    public static boolean verifyIpv4Header(MemorySegment seg, long off, int headerLength) {
        return partial(seg, off, headerLength, 0) == VALID_SUM;
    }

    /** True iff a transport unit over IPv4, checksum field included, sums to {@link #VALID_SUM}. */
    public static boolean verifyTransportV4(MemorySegment seg, long off, int len, int protocol, int src, int dst) {
        return partial(seg, off, len, pseudoHeaderV4(src, dst, protocol, len)) == VALID_SUM;
    }

    /** True iff a transport unit over IPv6, checksum field included, sums to {@link #VALID_SUM}. */
    public static boolean verifyTransportV6(MemorySegment seg, long off, int len, int nextHeader,
                                            long srcHi, long srcLo, long dstHi, long dstLo) {
        return partial(seg, off, len, pseudoHeaderV6(srcHi, srcLo, dstHi, dstLo, nextHeader, len)) == VALID_SUM;
    }

    /** True iff an ICMPv4 message, checksum field included, sums to {@link #VALID_SUM}. */
    public static boolean verifyIcmpv4(MemorySegment seg, long off, int len) {
        return partial(seg, off, len, 0) == VALID_SUM;
    }

    /** The UDP-over-IPv4 field value for a computed checksum: 0 is sent as 0xFFFF because 0 means "none". */
    public static int udpField(int checksum) {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    /**
     * RFC 1624 eqn. 3: the new checksum field after one 16-bit word covered by {@code checksum} changes from
     * {@code oldValue} to {@code newValue}: {@code HC' = ~(~HC + ~m + m')}.
     */
    public static int update16(int checksum, int oldValue, int newValue) {
        long acc = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return finish(fold(acc));
    }

    /** {@link #update16} for a 32-bit field, e.g. an IPv4 address or a TCP sequence number. */
    public static int update32(int checksum, int oldValue, int newValue) {
        long acc = (~checksum & 0xFFFF)
                + (~oldValue >>> 16 & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16 & 0xFFFF) + (newValue & 0xFFFF);
        return finish(fold(acc));
    }

    /** {@link #update16} for a 64-bit field, e.g. one half of an IPv6 address. */
    public static int update64(int checksum, long oldValue, long newValue) {
        long acc = (~checksum & 0xFFFF) + words(~oldValue) + words(newValue);
        return finish(fold(acc));
    }

    private static int sumSkipping(MemorySegment seg, long off, int len, int skipOffset, int seed) {
        // Sum around the checksum field instead of zeroing it, so verification-free computation never writes.
        if (skipOffset + 2 > len) {
            return partial(seg, off, len, seed);
        }
        int sum = partial(seg, off, skipOffset, seed);
        return partial(seg, off + skipOffset + 2, len - skipOffset - 2, sum);
    }
}
